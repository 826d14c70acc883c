import { useId, useState } from 'react';
import type { ApiError } from '../../api.js';
import { ErrorAlert } from '../../components/ui.js';
import { toApiError } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { attachmentUrl, uploadAttachment, type Attachment } from './api.js';

/** What the server takes (it judges by the bytes; this only narrows the file chooser). */
export const ATTACHMENT_ACCEPT = 'image/png,image/jpeg,image/webp,application/pdf,.png,.jpg,.jpeg,.webp,.pdf';

/** Uploads files one after another, with the progress of the one being sent; answers the ones stored, stops at the first refused. */
export function useUploads(): {
  upload: (bulletin: string, files: readonly File[]) => Promise<Attachment[]>;
  progress: { name: string; share: number } | null;
  error: ApiError | undefined;
} {
  const [progress, setProgress] = useState<{ name: string; share: number } | null>(null);
  const [error, setError] = useState<ApiError>();
  const upload = async (bulletin: string, files: readonly File[]): Promise<Attachment[]> => {
    setError(undefined);
    const stored: Attachment[] = [];
    try {
      for (const file of files) {
        setProgress({ name: file.name, share: 0 });
        stored.push(await uploadAttachment(bulletin, file, (share) => setProgress({ name: file.name, share })));
      }
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setProgress(null);
    }
    return stored;
  };
  return { upload, progress, error };
}

/** The bar of the file being sent, named and announced in words too. */
export function UploadProgress({ progress }: { progress: { name: string; share: number } | null }) {
  const t = useT();
  const id = useId();
  if (!progress) return null;
  const percent = Math.round(progress.share * 100);
  return (
    <div className="field">
      <label htmlFor={id}>{t.rich('bulletins.attach.sending', { name: <span translate="no">{progress.name}</span> })}</label>
      <progress id={id} className="upload-progress" max={100} value={percent} />
      <p className="hint" aria-live="polite">
        {t('bulletins.attach.percent', { percent })}
      </p>
    </div>
  );
}

/** The owner's form for adding files to an existing bulletin. */
export function AttachmentUpload({ bulletin, onStored }: { bulletin: string; onStored: (stored: Attachment[]) => void }) {
  const t = useT();
  const id = useId();
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const { upload, progress, error } = useUploads();
  const send = (): void => {
    setBusy(true);
    void upload(bulletin, files).then((stored) => {
      setBusy(false);
      setFiles([]);
      if (stored.length > 0) onStored(stored);
    });
  };
  return (
    <div className="attachment-upload">
      <ErrorAlert error={error} />
      <div className="field">
        <label htmlFor={id}>{t('bulletins.attach.add')}</label>
        <p className="hint">{t('bulletins.attach.hint')}</p>
        <input id={id} type="file" multiple accept={ATTACHMENT_ACCEPT} disabled={busy} onChange={(event) => setFiles([...(event.target.files ?? [])])} key={busy ? 'busy' : 'idle'} />
      </div>
      <UploadProgress progress={progress} />
      <button type="button" className="button-secondary" disabled={busy || files.length === 0} onClick={send}>
        {t('bulletins.attach.send')}
      </button>
    </div>
  );
}

/** The bulletin's files: images shown (the server re-encoded them without metadata), PDFs as downloads. */
export function AttachmentList({ bulletin, attachments }: { bulletin: string; attachments: readonly Attachment[] }) {
  const t = useT();
  if (attachments.length === 0) return <p className="muted">{t('bulletins.attach.none')}</p>;
  return (
    <ul className="attachments">
      {attachments.map((item) => {
        const url = attachmentUrl(bulletin, item.id);
        const size = t.number(Math.max(1, Math.round(item.size / 1024)));
        return (
          <li key={item.id}>
            {item.contentType.startsWith('image/') ? (
              <figure>
                <a href={url} target="_blank" rel="noopener noreferrer">
                  <img src={url} alt={item.name} width={item.width ?? undefined} height={item.height ?? undefined} loading="lazy" />
                </a>
                <figcaption translate="no">{item.name}</figcaption>
              </figure>
            ) : (
              <a className="button" href={url} download={item.name}>
                {t.rich('bulletins.attach.download', { name: <span translate="no">{item.name}</span> })}
              </a>
            )}
            <p className="hint">
              {t('bulletins.attach.size', { size })} · <span title={item.sha256}>SHA-256 <code translate="no">{item.sha256.slice(0, 12)}…</code></span>
            </p>
          </li>
        );
      })}
    </ul>
  );
}
