import { useState } from 'react';
import { useT } from '../../i18n/index.js';
import { subjectImageUrl, type FaceBox } from './api.js';

/**
 * The image a gallery keeps with a subject, read from the API with the session cookie (the page's
 * security policy allows images from the app itself and data: addresses, not blob: ones). When the
 * face found at enrolment is given, it is outlined over the image: the outline is drawn in the
 * kept image's own pixels and stretched with it, so it follows the size the image is shown at.
 */
export function SubjectImage({ id, reference, face }: { id: string; reference: string; face?: FaceBox | undefined }) {
  const t = useT();
  const [failed, setFailed] = useState(false);
  if (failed) return <p className="muted">{t('biometrics.image.unavailable')}</p>;
  return (
    <figure className="subject-figure">
      <div className="subject-image">
        <img src={subjectImageUrl(id)} alt={t('biometrics.image.alt', { reference })} onError={() => setFailed(true)} />
        {face ? (
          <svg className="face-box" viewBox={`0 0 ${face.imageWidth} ${face.imageHeight}`} preserveAspectRatio="none" role="img" aria-label={t('biometrics.image.faceBox')}>
            <rect x={face.x} y={face.y} width={face.width} height={face.height} vectorEffect="non-scaling-stroke" />
          </svg>
        ) : null}
      </div>
      {face ? <figcaption className="hint">{t('biometrics.image.faceFound', { width: Math.round(face.width), height: Math.round(face.height) })}</figcaption> : null}
    </figure>
  );
}
