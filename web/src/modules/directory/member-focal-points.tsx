import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, Loading, SubmitOrCancel } from '../../components/ui.js';
import { useT } from '../../i18n/index.js';
import { useResource, useSubmit } from '../../hooks.js';

import { FOCAL_POINT_TOPICS, TOPIC_LABEL, type FocalPointTopic, type Member, type MemberOne, type User } from './api.js';

interface Row {
  key: number;
  topic: FocalPointTopic;
  userId: string;
}

interface Props {
  member: Member;
  onSaved: (member: MemberOne) => void;
  onCancel: () => void;
}

/** Names one or more users of the member per topic. */
export function FocalPointsEditor({ member, onSaved, onCancel }: Props) {
  const users = useResource<{ data: User[] }>(`/users?member=${encodeURIComponent(member.code)}`);
  const [rows, setRows] = useState<Row[]>(() => member.focalPoints.map((point, index) => ({ key: index, topic: point.topic, userId: point.userId })));
  const [nextKey, setNextKey] = useState(member.focalPoints.length);
  const { busy, error, run } = useSubmit();
  const t = useT();

  const update = (key: number, change: Partial<Row>): void => setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const add = (): void => {
    setRows((current) => [...current, { key: nextKey, topic: 'general', userId: '' }]);
    setNextKey((value) => value + 1);
  };

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      const focalPoints = rows.filter((row) => row.userId).map(({ topic, userId }) => ({ topic, userId }));
      onSaved(await api.put<MemberOne>(`/members/${encodeURIComponent(member.code)}/focal-points`, { focalPoints }));
    });
  };

  if (users.error) return <ErrorAlert error={users.error} />;
  if (!users.data) return <Loading what={t('directory.users.loading')} />;
  const active = users.data.data.filter((user) => !user.disabled);

  return (
    <form onSubmit={submit} noValidate>
      <ErrorAlert error={error} />
      {rows.length === 0 ? <p className="muted">{t('directory.focalPoints.empty')}</p> : null}
      <ul className="plain-list">
        {rows.map((row, index) => (
          <li key={row.key} className="form-row">
            <Field label={t('directory.focalPoints.topicN', { n: index + 1 })} error={error?.fieldError(`/focalPoints/${index}/topic`)}>
              {(props) => (
                <select {...props} value={row.topic} onChange={(event) => update(row.key, { topic: event.target.value as FocalPointTopic })}>
                  {FOCAL_POINT_TOPICS.map((topic) => (
                    <option key={topic} value={topic}>
                      {t(TOPIC_LABEL[topic])}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('directory.focalPoints.personN', { n: index + 1 })} error={error?.fieldError(`/focalPoints/${index}/userId`)}>
              {(props) => (
                <select {...props} value={row.userId} onChange={(event) => update(row.key, { userId: event.target.value })}>
                  <option value="">{t('directory.focalPoints.chooseUser')}</option>
                  {active.map((user) => (
                    <option key={user.id} value={user.id} translate="no">
                      {user.name} ({user.email})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="button" className="button-secondary" onClick={() => setRows((current) => current.filter((item) => item.key !== row.key))}>
              {t.rich('directory.focalPoints.remove', { n: index + 1, hidden: (chunks) => <span className="visually-hidden">{chunks}</span> })}
            </button>
          </li>
        ))}
      </ul>
      <SubmitOrCancel submit={t('directory.focalPoints.save')} busy={busy} onCancel={onCancel}>
        <button type="button" className="button-secondary" onClick={add}>
          {t('directory.focalPoints.add')}
        </button>
      </SubmitOrCancel>
    </form>
  );
}
