// Reply texts kept once (migration 12): the transcript, the outbox and the web chat's kept answers
// hold the id of a shared copy. Triggers count the references and delete a copy with its last one,
// so a row that refers to a text must be written in the same synchronous step as idOf() (nothing
// else runs between them on this connection).
import type { SqliteContext } from './sql.ts';

export interface MessageTexts {
  /** The id of this exact text (a JSON value), stored if new. */
  idOf(body: string): number;
  /** JSON of the ids of these texts, in order. */
  idsOf(bodies: string[]): string;
}

export function messageTexts(c: SqliteContext): MessageTexts {
  const idOf = (body: string): number => {
    const found = c.stmt('SELECT id FROM message_texts WHERE body = ?').get(body) as { id: number } | undefined;
    return found ? found.id : Number(c.w('INSERT INTO message_texts (body) VALUES (?)').run(body).lastInsertRowid);
  };
  return { idOf, idsOf: (bodies) => JSON.stringify(bodies.map(idOf)) };
}

/** SQL for a column of text ids (a JSON array) read back as a JSON array of the texts, in order. */
export const textsOf = (column: string) =>
  `(SELECT json_group_array(json(m.body) ORDER BY j.key) FROM json_each(${column}) j JOIN message_texts m ON m.id = j.value)`;
