/** A value that cannot be read as the entity it is offered as; the message says what is expected. */
export class EntityError extends Error {
  override readonly name = 'EntityError';
  constructor(
    message: string,
    /** The input's field the message is about (`value`, `issuer`, `flag`, …). */
    readonly field = 'value',
  ) {
    super(message);
  }
}
