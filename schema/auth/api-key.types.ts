/** API keys in GraphQL: the secret appears only in `ApiKeyCreated.key`. */
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Attribute, AttributeInput } from '../common/attribute.types.js';
import { API_KEY_ROLES, type ApiKeyRole as Role } from '../../models/apikey/apikey.entity.js';
import { DateTime } from '../common/scalars.js';

/** The GraphQL enum of the stored roles (values = names). */
export const ApiKeyRole = Object.fromEntries(API_KEY_ROLES.map((role) => [role, role])) as { readonly [R in Role]: R };
export type ApiKeyRole = Role;
registerEnumType(ApiKeyRole, {
  name: 'ApiKeyRole',
  description: 'What a key may do (docs/security.md).',
  valuesConfig: {
    ADMIN: { description: 'Everything, keys included.' },
    ANALYST: { description: 'Read all insights and responses (no customer names or e-mails).' },
    MANAGER: { description: "Read and act on follow-ups, only within the key's scope." },
    INGEST: { description: 'Submit and import responses only (survey tools).' },
    SUBSCRIBER: { description: 'Subscriptions and webhook management only.' },
  },
});

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput {
  @Field(() => String, { description: 'What the key is for, 1–100 characters.' })
  name!: string;

  @Field(() => ApiKeyRole, { description: 'What the key may do.' })
  role!: ApiKeyRole;

  @Field(() => [AttributeInput], {
    nullable: true,
    description:
      'Attributes every response the key sees must have (required for MANAGER; allowed for ANALYST and SUBSCRIBER). Keys must be distinct.',
  })
  scope?: AttributeInput[] | null;
}

@ObjectType({ description: 'An API key as listed: never its secret.' })
export class ApiKey {
  @Field(() => ID, { description: 'Stable id (the SHA-256 of the secret, in hex); use it to revoke.' })
  id!: string;

  @Field(() => String, { description: 'What the key is for.' })
  name!: string;

  @Field(() => ApiKeyRole, { description: 'What the key may do.' })
  role!: ApiKeyRole;

  @Field(() => [Attribute], { description: 'Attributes every response the key sees must have; empty: no restriction.' })
  scope!: Attribute[];

  @Field(() => String, { description: 'The first characters of the secret, to tell keys apart ("(env)" for VERBATIM_ADMIN_KEY).' })
  prefix!: string;

  @Field(() => DateTime, { description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'Last request made with the key (updated at most once a minute).' })
  lastUsedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the key was revoked; null while it is active.' })
  revokedAt!: Date | null;
}

@ObjectType({ description: 'A newly created key: the secret is shown here once and cannot be retrieved again.' })
export class ApiKeyCreated {
  @Field(() => String, { description: 'The secret, sent as `Authorization: Bearer <key>`. Store it now: only its hash is kept.' })
  key!: string;

  @Field(() => ApiKey, { description: 'The key as it will be listed.' })
  apiKey!: ApiKey;
}

@ObjectType({ description: 'The key making the request.' })
export class Viewer {
  @Field(() => ApiKeyRole, { description: 'Role of the calling key.' })
  role!: ApiKeyRole;

  @Field(() => [Attribute], { description: 'Scope of the calling key; empty: no restriction.' })
  scope!: Attribute[];
}
