/** Inputs of taxonomy changes. Limits and formats are checked by the taxonomy service, which names the field. */
import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new theme. Needs at least one keyword or example.' })
export class CreateThemeInput {
  @Field(() => String, { description: 'snake_case, at most 64 characters; immutable and never reused.' })
  key!: string;

  @Field(() => String, { description: 'Display name of the theme.' })
  label!: string;

  @Field(() => String, { nullable: true, description: 'What the theme covers, in words.' })
  description?: string | null;

  @Field(() => [String], { nullable: true, description: 'Words and phrases that signal the theme.' })
  keywords?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Example verbatims that mention the theme.' })
  examples?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Key of an active parent theme.' })
  parent?: string | null;
}

@InputType({ description: 'Changes to a theme; omitted fields stay as they are. The key cannot change.' })
export class UpdateThemeInput {
  @Field(() => String, { nullable: true, description: 'New display name.' })
  label?: string | null;

  @Field(() => String, { nullable: true, description: 'null or "" clears it.' })
  description?: string | null;

  @Field(() => [String], { nullable: true, description: 'Replaces the keyword list.' })
  keywords?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Replaces the example list.' })
  examples?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Key of an active parent theme; null makes it top-level.' })
  parent?: string | null;
}
