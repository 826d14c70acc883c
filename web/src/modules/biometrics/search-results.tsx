import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { BAND_LABEL, subjectPath, type Search } from './api.js';
import { StepTwoAction } from './step-two-ask.js';

/**
 * Each gallery's answer to a search, as the reader's side may read it: the searcher every gallery's
 * (hit with the candidates' references and bands, or no hit), a holder its own (with its subjects).
 * Under a hit, step two: the request made about it, or the form that asks it (`probe`: the image
 * searched with, when the page still has it; `onChange`: the search once a request is made).
 */
export function SearchResults({ search, names, probe = null, onChange }: { search: Search; names: ReadonlyMap<string, string>; probe?: File | null; onChange?: (search: Search) => void }) {
  const t = useT();
  if (search.results.length === 0) return <p className="muted">{t('biometrics.results.none')}</p>;
  return (
    <ul className="gallery-answers">
      {search.results.map((result) => (
        <li key={result.holder} className={`gallery-answer ${result.hit ? 'gallery-hit' : 'gallery-no-hit'}`} aria-label={names.get(result.holder) ?? result.holder}>
          <div className="gallery-answer-head">
            <strong translate="no">{names.get(result.holder) ?? result.holder}</strong>
            <span className={`status ${result.hit ? 'status-hit' : 'status-no-hit'}`}>{result.hit ? t('biometrics.results.hit') : t('biometrics.results.noHit')}</span>
          </div>
          {result.hit && result.candidates.length === 0 ? <p className="hint">{t('biometrics.results.hitOnly')}</p> : null}
          {result.candidates.length > 0 ? (
            <table className="candidates">
              <thead>
                <tr>
                  <th scope="col">{t('biometrics.results.reference')}</th>
                  <th scope="col">{t('biometrics.results.band')}</th>
                </tr>
              </thead>
              <tbody>
                {result.candidates.map((candidate) => (
                  <tr key={candidate.subject ?? candidate.reference}>
                    <td>
                      {candidate.subject ? (
                        <Link to={subjectPath(candidate.subject)} translate="no">
                          {candidate.reference}
                        </Link>
                      ) : (
                        <span translate="no">{candidate.reference}</span>
                      )}
                    </td>
                    <td>
                      <span className={`status status-band-${candidate.band}`}>{t(BAND_LABEL[candidate.band])}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {result.hit ? <StepTwoAction key={`${search.id}/${result.holder}`} search={search} result={result} probe={probe} holderName={names.get(result.holder) ?? result.holder} onAsked={(changed) => onChange?.(changed)} /> : null}
        </li>
      ))}
    </ul>
  );
}
