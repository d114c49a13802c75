/** ISO-8601 date-times travel as the `DateTime` scalar. */
export { DateTimeResolver as DateTime } from 'graphql-scalars';
