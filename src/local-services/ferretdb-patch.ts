/**
 * Small fixes to FerretDB 1.24's SQLite backend, applied to a copy of its module before
 * `go build` (through a generated go.mod with a `replace`), so `_id` lookups use the index:
 *
 * 1. It looks documents up by `_ferretdb_sjson->'$._id'` while the unique index it creates is on
 *    `_ferretdb_sjson->"_id"`; SQLite only uses an expression index for the same expression, so
 *    every `_id` lookup and every update scanned the whole table. The lookup now uses `->'_id'`,
 *    which SQLite matches to the index (same JSON path).
 * 2. `_id` was pushed down to SQLite only when it was the filter's sole key, so a conditional
 *    update such as `{ _id, analysisRevision }` decoded the whole collection in Go. FerretDB
 *    re-applies the full filter to what SQLite returns, so pushing `_id` down is always safe.
 *    (A query without any filter, as from an aggregation starting with `$group`, skips it.)
 *
 * 3. An update command closed each statement's query (and so released its SQLite connection)
 *    only when the whole command returned (`defer` inside the loop over statements). A statement
 *    that matched an existing document kept its connection, so the 101st such statement waited
 *    for a free one of the pool's 100 forever, and every other request on that database with it.
 *    Each statement's query is now closed as soon as the statement is done.
 *
 * 4. Only `_id` equality was pushed down: `_id: { $in: [...] }` (the batched analysis reads and
 *    writes by it) scanned the whole collection. A `$in` of strings or ObjectIds now becomes
 *    `WHERE <IDColumn> IN (...)`, served by the same index, for finds, updates and deletes (they
 *    all query through Collection.Query). Other element types keep the scan (superset is safe).
 * 5. An update read the matching documents, changed them in Go and wrote them back whole, with
 *    nothing between two updates of one document: the later write put back what the earlier one
 *    changed (a backfill's revision bump was undone by a concurrent effects marker, so a
 *    conditional update such as `{ _id, analysisRevision }` was no compare-and-set at all).
 *    MongoDB updates one document atomically; here each update statement and each findAndModify
 *    now holds a lock of its collection from the read to the write.
 * 6. Every cursor, iterator and transaction was registered with FerretDB's leak detector: a pprof
 *    profile entry with the creator's stack trace and a finalizer that panics the whole server when
 *    the object was not closed. A CPU profile of `bench:pipeline` (10,000 responses) put that
 *    bookkeeping at 6.5 % of the server's time (`runtime.callers` for every query). It is a debug
 *    aid; `Track` and `Untrack` now return at once.
 * 7. Stored documents are decoded value by value, and each value through a new `json.Decoder`
 *    (a 512-byte buffer, a copy, a second scan for trailing bytes): decoding was half the server's
 *    CPU. Where the target is a scalar, a map or a slice (what a Decoder adds is nothing there:
 *    `DisallowUnknownFields` only concerns structs), `json.Unmarshal` does the same in one pass; it
 *    rejects trailing data as `checkConsumed` did.
 * 8. Every SQL statement was logged twice at debug level, and `Logger.With` formats its fields (the
 *    whole document, for an insert or update) even when debug is off: 6.4 % of the CPU. The lines
 *    are now built only when debug logging is enabled.
 * 9. An update command ran each statement as its own query and its own write transaction (about
 *    0.6 ms each, however small the document). A command whose statements each name a different
 *    `_id` (a bulk write of `updateOne`s by id, as every batched write here is) now reads all its
 *    documents with one `_id: {$in}` query and writes the changed ones in one transaction, under the
 *    collection's lock (patch 5) from the read to the write. Each statement still goes through
 *    FerretDB's own filter and update code, in order; anything else takes the old path.
 *
 * 10. Any filter but `_id` decoded every stored document in Go. A top-level condition that is a
 *    plain string (no JSON escapes), an ObjectId, or `$in` of those, is now also tested by SQLite on
 *    the JSON text (arrays always pass: Mongo equality matches their elements), so Go decodes only
 *    rows that may match; FerretDB still filters what SQLite returns. Query only, not explain.
 *
 * All of them matter only to these development servers: production runs MongoDB.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bump when the patches change, so cached binaries are rebuilt. */
export const FERRETDB_PATCH_VERSION = '10';

const MODULE = 'github.com/FerretDB/FerretDB';

interface FilePatch {
  file: string;
  from: string;
  to: string;
}

const PATCHES: FilePatch[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: `IDColumn = DefaultColumn + "->'_id'"`,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: 'if params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")',
    // Len() first: an aggregation that starts without $match queries with no filter at all, and
    // Has() on a nil document dereferences it (the whole server panicked).
    to: 'if params.Filter.Len() > 0 && params.Filter.Has("_id") {\n\t\tv, _ := params.Filter.Get("_id")',
  },
  // 4: `_id: {$in}` pushdown, in Query and in Explain (so `explain` shows `filterPushdown`).
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n\t\t}\n\t}\n\n\tq += whereClause',
    to: '\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n\t\tcase *types.Document:\n\t\t\twhereClause, args = verbatimIDInClause(v.(*types.Document))\n\t\t}\n\t}\n\n\tq += whereClause',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n\t\t}\n\t}\n\n\torderByClause',
    to: '\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n\t\tcase *types.Document:\n\t\t\twhereClause, args = verbatimIDInClause(v.(*types.Document))\n\t\t\tfilterPushdown = whereClause != ""\n\t\t}\n\t}\n\n\torderByClause',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '// collection implements backends.Collection interface.\n',
    to: `// verbatim patch: \`_id: {$in: [strings or ObjectIDs]}\` as WHERE <IDColumn> IN (...), served by the _id index.
// Anything else ("" and nil): no pushdown. FerretDB filters the rows again, so a superset is fine.
func verbatimIDInClause(cond *types.Document) (string, []any) {
\tif cond.Len() != 1 || !cond.Has("$in") {
\t\treturn "", nil
\t}
\tarr, ok := must.NotFail(cond.Get("$in")).(*types.Array)
\tif !ok || arr.Len() == 0 || arr.Len() > 10000 {
\t\treturn "", nil
\t}
\targs := make([]any, 0, arr.Len())
\tfor i := 0; i < arr.Len(); i++ {
\t\tel := must.NotFail(arr.Get(i))
\t\tswitch el.(type) {
\t\tcase string, types.ObjectID:
\t\t\targs = append(args, string(must.NotFail(sjson.MarshalSingleValue(el))))
\t\tdefault:
\t\t\treturn "", nil
\t\t}
\t}
\tplaceholders := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
\treturn fmt.Sprintf(\` WHERE %s IN (%s)\`, metadata.IDColumn, placeholders), args
}

// collection implements backends.Collection interface.
`,
  },
  // 10: top-level equality on a plain string or an ObjectId, and `$in` of those, filtered by SQLite
  // on the JSON text: still a scan (no index), but in C, so Go decodes only the rows that may match.
  // Query only: explain keeps reporting no filter pushdown for such a filter, which is what
  // models/index-sync.ts asks (no secondary index is ever read here).
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '\n\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)',
    to: '\n\twhereClause, args = verbatimFieldClauses(params.Filter, whereClause, args)\n\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '// collection implements backends.Collection interface.\n',
    to: `// verbatimFieldClauses adds, for each top-level key other than _id whose condition is a plain
// string or an ObjectID, or \`$in\` of those, a condition SQLite evaluates on the JSON text: the
// value's JSON, or an array there (Mongo equality also matches an array element; FerretDB filters
// the rows again, so a superset is fine). Anything else is left to FerretDB (verbatim patch 10).
func verbatimFieldClauses(filter *types.Document, where string, args []any) (string, []any) {
\tif filter.Len() == 0 {
\t\treturn where, args
\t}
\tvar conds []string
\tfor _, k := range filter.Keys() {
\t\tif k == "_id" || !verbatimPlainKey(k) {
\t\t\tcontinue
\t\t}
\t\tvar vals []any
\t\tswitch v := must.NotFail(filter.Get(k)).(type) {
\t\tcase *types.Document:
\t\t\tif v.Len() != 1 || !v.Has("$in") {
\t\t\t\tcontinue
\t\t\t}
\t\t\tarr, ok := must.NotFail(v.Get("$in")).(*types.Array)
\t\t\tif !ok || arr.Len() == 0 || arr.Len() > 10000 {
\t\t\t\tcontinue
\t\t\t}
\t\t\tfor i := 0; i < arr.Len(); i++ {
\t\t\t\ttext, ok := verbatimPlainJSON(must.NotFail(arr.Get(i)))
\t\t\t\tif !ok {
\t\t\t\t\tvals = nil
\t\t\t\t\tbreak
\t\t\t\t}
\t\t\t\tvals = append(vals, text)
\t\t\t}
\t\tdefault:
\t\t\tif text, ok := verbatimPlainJSON(v); ok {
\t\t\t\tvals = []any{text}
\t\t\t}
\t\t}
\t\tif len(vals) == 0 {
\t\t\tcontinue
\t\t}
\t\tcol := fmt.Sprintf("%s->'$.%s'", metadata.DefaultColumn, k)
\t\tplaceholders := strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")
\t\tconds = append(conds, fmt.Sprintf("(%s IN (%s) OR %s LIKE '[%%')", col, placeholders, col))
\t\targs = append(args, vals...)
\t}
\tif len(conds) == 0 {
\t\treturn where, args
\t}
\tif where == "" {
\t\treturn " WHERE " + strings.Join(conds, " AND "), args
\t}
\treturn where + " AND " + strings.Join(conds, " AND "), args
}

// verbatimPlainKey: a key that needs no quoting in a JSON path.
func verbatimPlainKey(k string) bool {
\tfor i, r := range k {
\t\tif !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
\t\t\treturn false
\t\t}
\t}
\treturn k != ""
}

// verbatimPlainJSON: the JSON text SQLite's -> returns for this value, for ObjectIDs and for
// strings JSON writes without escapes (letters, digits and a few marks); false otherwise.
func verbatimPlainJSON(v any) (string, bool) {
\tswitch v := v.(type) {
\tcase types.ObjectID:
\t\treturn string(must.NotFail(sjson.MarshalSingleValue(v))), true
\tcase string:
\t\tif len(v) > 200 {
\t\t\treturn "", false
\t\t}
\t\tfor _, r := range v {
\t\t\tif !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" ._:-", r)) {
\t\t\t\treturn "", false
\t\t\t}
\t\t}
\t\treturn "\\"" + v + "\\"", true
\t}
\treturn "", false
}

// collection implements backends.Collection interface.
`,
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\t\tdefer closer.Close()\n\n\t\tcloser.Add(res.Iter)',
    to: '\t\tcloser.Add(res.Iter)',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n',
    to: '\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n\t\tcloser.Close() // verbatim patch: free the connection now, not when the command returns\n\t\tunlock()\n',
  },
  // 5: each update statement and findAndModify reads and writes back under its collection's lock.
  {
    file: 'internal/handler/msg_update.go',
    from: '\t\tres, err := c.Query(ctx, &qp)\n\t\tif err != nil {\n\t\t\treturn 0, 0, nil, lazyerrors.Error(err)\n\t\t}\n',
    to: '\t\tunlock := verbatimLockCollection(params.DB, params.Collection)\n\t\tres, err := c.Query(ctx, &qp)\n\t\tif err != nil {\n\t\t\tunlock()\n\t\t\treturn 0, 0, nil, lazyerrors.Error(err)\n\t\t}\n',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: 'import (\n\t"context"\n\t"fmt"\n',
    to: 'import (\n\t"context"\n\t"fmt"\n\t"sync"\n',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '// updateDocument iterate through all documents in collection and update them.\n',
    to: `// verbatimWriteLocks holds one mutex per "db.collection": an update reads a document and writes it
// back whole, so two updates of one document must not interleave (verbatim patch).
var verbatimWriteLocks sync.Map

// verbatimLockCollection locks the collection's read-modify-write lock and returns its unlock.
func verbatimLockCollection(db, collection string) func() {
\tm, _ := verbatimWriteLocks.LoadOrStore(db+"\\x00"+collection, new(sync.Mutex))
\tmu := m.(*sync.Mutex)
\tmu.Lock()
\treturn mu.Unlock
}

// updateDocument iterate through all documents in collection and update them.
`,
  },
  {
    file: 'internal/handler/msg_findandmodify.go',
    from: '\tqueryRes, err := c.Query(ctx, &qp)\n',
    to: '\tunlock := verbatimLockCollection(params.DB, params.Collection)\n\tdefer unlock()\n\n\tqueryRes, err := c.Query(ctx, &qp)\n',
  },
  // 6: no leak-detector bookkeeping (a stack trace and a finalizer per cursor, iterator and transaction).
  {
    file: 'internal/util/resource/resource.go',
    from: 'func Track(obj any, token *Token) {\n\tcheckArgs(obj, token)\n',
    to: 'func Track(obj any, token *Token) {\n\tcheckArgs(obj, token)\n\tif verbatimSkipTracking {\n\t\treturn\n\t}\n',
  },
  {
    file: 'internal/util/resource/resource.go',
    from: 'func Untrack(obj any, token *Token) {\n\tcheckArgs(obj, token)\n',
    to: 'func Untrack(obj any, token *Token) {\n\tcheckArgs(obj, token)\n\tif verbatimSkipTracking {\n\t\treturn\n\t}\n',
  },
  {
    file: 'internal/util/resource/resource.go',
    from: 'var profilesM sync.Mutex\n',
    to: 'var profilesM sync.Mutex\n\n// verbatimSkipTracking turns the leak detector off (verbatim patch 6): it cost 6.5 % of the CPU.\nconst verbatimSkipTracking = true\n',
  },
  // 7: the document's top level and its schema, in sjson.Unmarshal.
  {
    file: 'internal/handler/sjson/sjson.go',
    from: '\tvar v map[string]json.RawMessage\n\tr := bytes.NewReader(data)\n\tdec := json.NewDecoder(r)\n\n\terr := dec.Decode(&v)\n\tif err != nil {\n\t\treturn nil, lazyerrors.Error(err)\n\t}\n\n\tif err = checkConsumed(dec, r); err != nil {\n\t\treturn nil, lazyerrors.Error(err)\n\t}\n',
    to: '\tvar v map[string]json.RawMessage\n\tif err := json.Unmarshal(data, &v); err != nil {\n\t\treturn nil, lazyerrors.Error(err)\n\t}\n',
  },
  {
    file: 'internal/handler/sjson/sjson.go',
    from: '\tr = bytes.NewReader(jsch)\n\tdec = json.NewDecoder(r)\n',
    to: '\tr := bytes.NewReader(jsch)\n\tdec := json.NewDecoder(r)\n',
  },
  // 9: an update command whose statements name distinct `_id`s: one read, one write transaction.
  {
    file: 'internal/handler/msg_update.go',
    from: '\tfor _, u := range params.Updates {\n\t\tc, err := db.Collection(params.Collection)\n',
    to: '\tif m, mo, up, done, err := h.verbatimUpdateByIDs(ctx, db, params); done {\n\t\treturn m, mo, up, err\n\t}\n\n\tfor _, u := range params.Updates {\n\t\tc, err := db.Collection(params.Collection)\n',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '// updateDocument iterate through all documents in collection and update them.\n',
    to: `// verbatimCollectedWrites is the collection as UpdateDocument sees it in verbatimUpdateByIDs:
// updates are kept to be written together; everything else (an upsert's insert) goes through.
type verbatimCollectedWrites struct {
\tbackends.Collection
\tdocs []*types.Document
}

func (w *verbatimCollectedWrites) UpdateAll(_ context.Context, params *backends.UpdateAllParams) (*backends.UpdateAllResult, error) {
\tw.docs = append(w.docs, params.Docs...)
\treturn &backends.UpdateAllResult{Updated: int32(len(params.Docs))}, nil
}

// verbatimIDKey names a string or ObjectID _id; false for other types (not batched).
func verbatimIDKey(v any) (string, bool) {
\tswitch id := v.(type) {
\tcase string:
\t\treturn "s" + id, true
\tcase types.ObjectID:
\t\treturn "o" + string(id[:]), true
\t}
\treturn "", false
}

// verbatimUpdateByIDs runs an update command whose statements each name a different _id (single
// document, string or ObjectID) with one query for all the documents and one write transaction
// for the changed ones, under the collection's lock from the read to the write (verbatim patch 9).
// Each statement still goes through FilterIterator and UpdateDocument, in order. done is false
// when the command does not qualify; the caller then runs the statements one by one.
func (h *Handler) verbatimUpdateByIDs(ctx context.Context, db backends.Database, params *common.UpdateParams) (matched, modified int32, upserted *types.Array, done bool, err error) {
\tif h.DisablePushdown || len(params.Updates) < 2 || len(params.Updates) > 10000 {
\t\treturn 0, 0, nil, false, nil
\t}
\tids := make([]any, 0, len(params.Updates))
\tkeys := make([]string, 0, len(params.Updates))
\tseen := make(map[string]struct{}, len(params.Updates))
\tfor _, u := range params.Updates {
\t\tif u.Multi || u.Filter == nil || !u.Filter.Has("_id") {
\t\t\treturn 0, 0, nil, false, nil
\t\t}
\t\tid, _ := u.Filter.Get("_id")
\t\tkey, ok := verbatimIDKey(id)
\t\tif _, dup := seen[key]; !ok || dup {
\t\t\treturn 0, 0, nil, false, nil
\t\t}
\t\tseen[key] = struct{}{}
\t\tids = append(ids, id)
\t\tkeys = append(keys, key)
\t}
\tc, err := db.Collection(params.Collection)
\tif err != nil {
\t\treturn 0, 0, nil, false, nil // the statement-by-statement path reports it
\t}

\tunlock := verbatimLockCollection(params.DB, params.Collection)
\tdefer unlock()

\tfilter := must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument("$in", must.NotFail(types.NewArray(ids...))))))
\tres, err := c.Query(ctx, &backends.QueryParams{Filter: filter})
\tif err != nil {
\t\treturn 0, 0, nil, true, lazyerrors.Error(err)
\t}
\tdocs, err := iterator.ConsumeValues(res.Iter) // closes the iterator
\tif err != nil {
\t\treturn 0, 0, nil, true, lazyerrors.Error(err)
\t}
\tstored := make(map[string]*types.Document, len(docs))
\tfor _, doc := range docs {
\t\tid, _ := doc.Get("_id")
\t\tif key, ok := verbatimIDKey(id); ok {
\t\t\tstored[key] = doc
\t\t}
\t}

\twrites := &verbatimCollectedWrites{Collection: c}
\tflush := func() error {
\t\tif len(writes.docs) == 0 {
\t\t\treturn nil
\t\t}
\t\t_, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: writes.docs})
\t\twrites.docs = nil
\t\treturn err
\t}
\tupserted = new(types.Array)
\tfor i := range params.Updates {
\t\tu := params.Updates[i]
\t\tvar found []*types.Document
\t\tif doc, ok := stored[keys[i]]; ok {
\t\t\tfound = append(found, doc)
\t\t}
\t\tcloser := iterator.NewMultiCloser()
\t\titer := common.FilterIterator(iterator.Values(iterator.ForSlice(found)), closer, u.Filter)
\t\tresult, err := common.UpdateDocument(ctx, writes, "update", iter, &u)
\t\tcloser.Close()
\t\tif err != nil {
\t\t\t// As statement by statement: what the statements before it changed is written.
\t\t\tif ferr := flush(); ferr != nil {
\t\t\t\treturn 0, 0, nil, true, lazyerrors.Error(ferr)
\t\t\t}
\t\t\treturn 0, 0, nil, true, lazyerrors.Error(err)
\t\t}
\t\tmatched += result.Matched.Count
\t\tmodified += result.Modified.Count
\t\tif result.Upserted.Doc != nil {
\t\t\tupserted.Append(must.NotFail(types.NewDocument(
\t\t\t\t"index", int32(i), // the statement's index, as MongoDB reports it
\t\t\t\t"_id", must.NotFail(result.Upserted.Doc.Get("_id")),
\t\t\t)))
\t\t\tmatched++
\t\t}
\t}
\tif err := flush(); err != nil {
\t\treturn 0, 0, nil, true, lazyerrors.Error(err)
\t}
\treturn matched, modified, upserted, true, nil
}

// updateDocument iterate through all documents in collection and update them.
`,
  },
];

/** The same change at every place a pattern matches in a folder; `expected` places, or the build stops. */
interface PatternPatch {
  patch: number;
  dir: string;
  pattern: RegExp;
  replace: (...groups: string[]) => string;
  expected: number;
}

const PATTERN_PATCHES: PatternPatch[] = [
  // 7: every sjson decoder into a scalar, a map or a slice (string, bool, int32, int64, double,
  // datetime, objectID, regex, document, array): json.Unmarshal, trailing data still refused.
  {
    patch: 7,
    dir: 'internal/handler/sjson',
    pattern:
      /\tr := bytes\.NewReader\(data\)\n\tdec := json\.NewDecoder\(r\)\n(?:\tdec\.DisallowUnknownFields\(\)\n)?\n\tvar (\w+) (string|bool|int32|int64|float64|map\[string\]json\.RawMessage|\[\]json\.RawMessage)\n\tif err := dec\.Decode\(&\1\); err != nil \{\n\t\treturn lazyerrors\.Error\(err\)\n\t\}\n\n\tif err := checkConsumed\(dec, r\); err != nil \{\n\t\treturn lazyerrors\.Error\(err\)\n\t\}\n/g,
    replace: (name, type) =>
      `\tvar ${name} ${type}\n\tif err := json.Unmarshal(data, &${name}); err != nil {\n\t\treturn lazyerrors.Error(err)\n\t}\n`,
    expected: 10,
  },
  // 8: the debug lines around every SQL statement (before and after each query and exec of the
  // pool and of transactions) only when debug logging is on.
  {
    patch: 8,
    dir: 'internal/util/fsql',
    pattern: /^\t(db|tx)\.l\.With\(fields\.\.\.\)\.DebugContext\((.*)\)$/gm,
    replace: (owner, args) => `\tif ${owner}.l.Enabled(ctx, slog.LevelDebug) {\n\t\t${owner}.l.With(fields...).DebugContext(${args})\n\t}`,
    expected: 12,
  },
];

/**
 * Copies FerretDB's module into `workDir`, patches it, and returns the path of a go.mod that
 * replaces the module with the patched copy (pass it to `go build -modfile`).
 */
export function preparePatchedFerretDb(go: string, sourceDir: string, workDir: string, env: NodeJS.ProcessEnv): string {
  const download = spawnSync(go, ['mod', 'download', '-json', MODULE], { cwd: sourceDir, env, encoding: 'utf8' });
  if (download.status !== 0) throw new Error(`go mod download ${MODULE} failed:\n${download.stderr || download.stdout}`);
  const moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  if (!moduleDir || !existsSync(moduleDir)) throw new Error(`go mod download did not report the directory of ${MODULE}`);

  const copy = join(workDir, 'ferretdb-module');
  mkdirSync(workDir, { recursive: true });
  cpSync(moduleDir, copy, { recursive: true });
  makeWritable(copy); // the module cache is read-only
  for (const { file, from, to } of PATCHES) {
    const path = join(copy, file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`FerretDB patch does not apply to ${file}: the pinned version changed?`);
    writeFileSync(path, text.replace(from, to));
  }
  for (const { patch, dir, pattern, replace, expected } of PATTERN_PATCHES) {
    let found = 0;
    for (const name of readdirSync(join(copy, dir)).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'))) {
      const path = join(copy, dir, name);
      const text = readFileSync(path, 'utf8');
      const patched = text.replace(pattern, (_match, ...groups: unknown[]) => {
        found++;
        return replace(...groups.filter((g): g is string => typeof g === 'string'));
      });
      if (patched !== text) writeFileSync(path, patched);
    }
    if (found !== expected)
      throw new Error(`FerretDB patch ${patch} matched ${found} places in ${dir}, not ${expected}: the pinned version changed?`);
  }

  const modFile = join(workDir, 'go.mod');
  writeFileSync(modFile, `${readFileSync(join(sourceDir, 'go.mod'), 'utf8')}\nreplace ${MODULE} => ${copy}\n`);
  writeFileSync(join(workDir, 'go.sum'), readFileSync(join(sourceDir, 'go.sum')));
  return modFile;
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}
