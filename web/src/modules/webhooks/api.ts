/** The webhooks module as the web app sees it: the server's schemas (src/modules/webhooks/schemas.ts), type-only. */
import type { Static } from 'typebox';
import type { Delivery as DeliverySchema, Endpoint as EndpointSchema, EndpointCreated as EndpointCreatedSchema } from '../../../../src/modules/webhooks/schemas.js';

export type Endpoint = Static<typeof EndpointSchema>;
export type EndpointCreated = Static<typeof EndpointCreatedSchema>;
export type Delivery = Static<typeof DeliverySchema>;

/** The endpoint in the API. */
export const endpointPath = (id: string): string => `/webhooks/endpoints/${encodeURIComponent(id)}`;
/** The endpoint's page in the web app. */
export const endpointPage = (id: string): string => `/webhooks/${encodeURIComponent(id)}`;
