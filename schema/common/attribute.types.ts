import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A segment attribute of a response, e.g. region = Nevada.' })
export class Attribute {
  @Field(() => String, { description: 'Attribute name, e.g. region.' })
  key!: string;

  @Field(() => String, { description: 'Attribute value, e.g. EMEA.' })
  value!: string;
}

@InputType({ description: 'A segment attribute: key is an identifier (letters, digits, _ or -), value free text up to 200 characters.' })
export class AttributeInput {
  @Field(() => String, { description: 'Attribute name, e.g. region.' })
  key!: string;

  @Field(() => String, { description: 'Attribute value, e.g. EMEA.' })
  value!: string;
}
