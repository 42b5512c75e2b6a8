package minioblob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	"github.com/minio/minio-go/v7"
)

// putIfAbsent uploads r to key only if no object exists there, atomically.
//
// minio-go's PutObject cannot do this for streams: with size -1 it always
// uses a multipart upload and sends If-None-Match only when creating the
// upload, not when completing it (its completeUploadOpts drops custom
// headers), so two concurrent creators could both win. Here the first part
// decides: an object that fits in one part goes up in a single PUT with
// If-None-Match: *, a larger one through minio.Core's multipart calls with
// If-None-Match: * on CompleteMultipartUpload, where the server checks it
// atomically. Parts go up one at a time (memory: one part buffer); these
// writes are manifests and markers, rarely large.
func (b *Bucket) putIfAbsent(ctx context.Context, key string, r io.Reader, popts minio.PutObjectOptions) error {
	core := minio.Core{Client: b.client}
	popts.SetMatchETagExcept("*") // checked by a single PUT; an early check for multipart
	buf := make([]byte, b.opts.PartSize)
	n, rerr := io.ReadFull(r, buf)
	if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
		_, err := core.PutObject(ctx, b.name, key, bytes.NewReader(buf[:n]), int64(n), "", "", popts)
		return err
	}
	if rerr != nil {
		return rerr
	}

	uploadID, err := core.NewMultipartUpload(ctx, b.name, key, popts)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			// Detached from ctx: after a cancel the abort must still run.
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			core.AbortMultipartUpload(actx, b.name, key, uploadID)
		}
	}()
	var parts []minio.CompletePart
	for partNum := 1; ; partNum++ {
		p, err := core.PutObjectPart(ctx, b.name, key, uploadID, partNum,
			bytes.NewReader(buf[:n]), int64(n), minio.PutObjectPartOptions{})
		if err != nil {
			return err
		}
		parts = append(parts, minio.CompletePart{PartNumber: p.PartNumber, ETag: p.ETag})
		if rerr == io.ErrUnexpectedEOF { // that was the short last part
			break
		}
		n, rerr = io.ReadFull(r, buf)
		if rerr == io.EOF {
			break
		}
		if rerr != nil && !errors.Is(rerr, io.ErrUnexpectedEOF) {
			return rerr
		}
	}
	var copts minio.PutObjectOptions
	copts.SetMatchETagExcept("*")
	if _, err := core.CompleteMultipartUpload(ctx, b.name, key, uploadID, parts, copts); err != nil {
		return err
	}
	committed = true
	return nil
}
