/** The API key lives in sessionStorage only (gone when the tab closes), never in a URL. */
const STORAGE_KEY = 'verbatim.apiKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(STORAGE_KEY),
  signIn: (key: string) => sessionStorage.setItem(STORAGE_KEY, key),
  signOut: () => sessionStorage.removeItem(STORAGE_KEY),
};

/** Where the API answers GraphQL: beside the app unless the page says otherwise. */
export function graphqlUrl(): string {
  const configured = document.querySelector<HTMLMetaElement>('meta[name="verbatim-graphql"]')?.content;
  return new URL(configured || '/graphql', location.href).toString();
}
