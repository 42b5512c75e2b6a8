// Package repo is the differential backup repository: every day's dump
// script stored as only what changed that day, over a blob.Bucket and
// nothing else (it knows no broker and no SQL).
//
// A script is cut into parts at its batch separators ("GO" lines), which the
// scripter makes deterministic: one part per object's DDL and one per
// content-defined INSERT batch. A part is addressed by the SHA-256 of its
// bytes and stored once, zstd-compressed; a changed part whose name existed in
// the parent snapshot is stored as zstd with the parent's part as a raw
// dictionary, so one changed row costs about its own bytes.
//
// The bucket has no listing, so everything is found from a catalog: a chain of
// numbered, create-if-absent versions (catalog/<n>) that acts as the
// repository's compare-and-swap register. It holds the snapshot list, the
// snapshots forgotten but not yet pruned, and the locks. Layout:
//
//	config                       repository marker and format version
//	catalog/head                 hint: a recent catalog version number
//	catalog/<20 digits>          catalog versions (the latest wins)
//	snapshots/<id>.json          snapshot manifest (small)
//	index/<id>.json.zst          ordered parts and every object they need
//	intents/<id>/<6 digits>.json objects a running backup is about to upload
//	data/<hh>/<sha256>[-<base>]  one stored part, full or delta
//
// See docs/design.md, "Backup repository", for the concurrency rules.
package repo
