import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { fromGlobalId } from '../schema/node';
import { ApiKeyService, hasScope } from '../services/api-key.service';
import type { DatasetService } from '../services/curate/dataset.service';
import { HttpError } from './graphql-handler';
import { serveExportFile } from './exports';

export const EXPORTS_PREFIX = '/exports/';

/**
 * GET /exports/<datasetVersion id>/<file>: a READY version's files to a READ or CURATE key, streamed
 * with ETag = the file's sha256 and byte ranges, so a training pipeline resumes an interrupted download.
 */
export function datasetDownloads(deps: { config: Config; db: EntityManager; readDb?: () => EntityManager; apiKeys: ApiKeyService; datasets: DatasetService }) {
  return async (req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> => {
    const { principal, failure } = await deps.apiKeys.fromAuthorization(deps.db, req.headers.authorization);
    if (!principal) {
      throw new HttpError(401, 'UNAUTHENTICATED', failure ?? 'Send a READ or CURATE key as `Authorization: Bearer <key>`', { 'www-authenticate': 'Bearer' });
    }
    if (!hasScope(principal, ['read', 'curate'])) throw new HttpError(403, 'FORBIDDEN', 'This API key needs READ or CURATE to download datasets');
    const [idPart, file, ...rest] = pathname.slice(EXPORTS_PREFIX.length).split('/');
    let key: string | null = null;
    try {
      const decoded = fromGlobalId(decodeURIComponent(idPart ?? ''));
      if (decoded.type === 'DatasetVersion') key = decoded.key;
    } catch {
      key = null;
    }
    // The version's row from the read replica when there is one; a version it does not show READY yet
    // (built a moment ago, replay behind) is asked of the primary before answering 404.
    let [version] = key ? await deps.datasets.byIds(deps.readDb?.() ?? deps.db, [key]) : [];
    if (key && deps.readDb && version?.status !== 'READY') [version] = await deps.datasets.byIds(deps.db, [key]);
    if (!version || rest.length > 0 || !file) throw new HttpError(404, 'NOT_FOUND', 'No such dataset version or file; use /exports/<DatasetVersion id>/<file name>');
    if (version.status !== 'READY') throw new HttpError(404, 'NOT_FOUND', `Dataset version ${version.name} v${version.version} is ${version.status}; files exist once READY`);
    const dir = path.join(deps.config.exportDir, version.name, `v${version.version}`);
    if (file === 'manifest.json') {
      return serveExportFile(req, res, { path: path.join(dir, file), ...(await manifestInfo(path.join(dir, file))), contentType: 'application/json' });
    }
    const info = version.files?.[file];
    if (!info) throw new HttpError(404, 'NOT_FOUND', `This version has no such file; it has ${Object.keys(version.files ?? {}).join(', ')} and manifest.json`);
    return serveExportFile(req, res, { path: path.join(dir, file), sha256: info.sha256, bytes: info.bytes, contentType: 'application/x-ndjson' });
  };
}

/** The manifest is small and written once: hash it on demand for its ETag. */
async function manifestInfo(file: string): Promise<{ sha256: string; bytes: number }> {
  const body = await readFile(file).catch(() => {
    throw new HttpError(404, 'NOT_FOUND', 'The manifest is missing');
  });
  return { sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length };
}
