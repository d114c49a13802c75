import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new webhook endpoint.' })
export class CreateWebhookInput {
  @Field(() => String, { description: 'http:// or https:// URL without credentials.' })
  url!: string;

  @Field(() => [String], {
    description: 'Event types to deliver (duplicates are dropped): alert.raised, alert.updated, alert.sla_breached, response.analyzed.',
  })
  events!: string[];

  @Field(() => String, { nullable: true, description: 'Free text for operators.' })
  description?: string | null;
}

@InputType({ description: 'Changes to a webhook endpoint; omitted fields stay as they are.' })
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true, description: 'New URL (http or https, no credentials).' })
  url?: string | null;

  @Field(() => [String], { nullable: true, description: 'New list of event types.' })
  events?: string[] | null;

  @Field(() => String, { nullable: true, description: 'New description (empty clears it).' })
  description?: string | null;
}
