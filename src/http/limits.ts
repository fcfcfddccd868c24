/** The largest request body Loa reads (chat, admin and webhooks). */
export const BODY_LIMIT_BYTES = 1024 * 1024;
