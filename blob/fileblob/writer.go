package fileblob

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/mssqldump/mssqldump/blob/driver"
)

// NewTypedWriter implements driver.Bucket. The data goes to a temporary
// file beside the final name; Close publishes it.
func (b *Bucket) NewTypedWriter(ctx context.Context, key string, opts *driver.WriterOptions) (driver.Writer, error) {
	p, err := b.path(key)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(p)
	err = b.mkdirAllSynced(dir)
	var f *os.File
	if err == nil {
		f, err = os.CreateTemp(dir, tmpPrefix+"*")
	}
	if errors.Is(err, syscall.ENOTDIR) {
		// Not "not found": the key is fine, the layout cannot hold it.
		return nil, fmt.Errorf("fileblob: key %q: a prefix of it is already an object, and a directory cannot hold both", key)
	}
	if err != nil {
		return nil, err
	}
	return &writer{b: b, ctx: ctx, f: f, final: p, opts: opts}, nil
}

type writer struct {
	b     *Bucket
	ctx   context.Context
	f     *os.File
	final string
	opts  *driver.WriterOptions
	done  bool
}

func (w *writer) Write(p []byte) (int, error) {
	return w.f.Write(p)
}

// discard drops the temporary file.
func (w *writer) discard() {
	w.f.Close()
	os.Remove(w.f.Name())
}

func (w *writer) Close() error {
	if w.done {
		return errors.New("fileblob: writer already closed")
	}
	w.done = true
	if err := w.ctx.Err(); err != nil {
		w.discard()
		return err
	}
	if err := w.b.syncFile(w.f); err != nil {
		w.discard()
		return err
	}
	if err := w.f.Close(); err != nil {
		os.Remove(w.f.Name())
		return err
	}
	tmp := w.f.Name()
	defer os.Remove(tmp) // no-op after a rename; drops it after link or failure

	sideTmp, err := w.writeSidecarTemp()
	if err != nil {
		return err
	}
	if sideTmp != "" {
		defer os.Remove(sideTmp)
	}
	// Last chance to honor a cancel: after this point the object is public.
	if err := w.ctx.Err(); err != nil {
		return err
	}

	if w.opts.IfNotExists {
		// link(2) fails with EEXIST if the name exists, atomically, so of
		// several concurrent creators exactly one wins.
		if err := os.Link(tmp, w.final); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return errors.Join(errObjectExists, err)
			}
			return err
		}
	} else if err := os.Rename(tmp, w.final); err != nil {
		if errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.EEXIST) {
			return errors.New("fileblob: key names a directory of other keys")
		}
		return err
	}

	side := attrsPath(w.final)
	if sideTmp != "" {
		if err := os.Rename(sideTmp, side); err != nil {
			return err
		}
	} else if err := os.Remove(side); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err // a stale sidecar from a previous object would lie
	}
	return w.b.syncDir(filepath.Dir(w.final))
}

// writeSidecarTemp writes the attributes file to a temporary name when the
// object has a content type or metadata to remember, and returns that name
// ("" when there is nothing to store).
func (w *writer) writeSidecarTemp() (string, error) {
	sc := sidecar{Metadata: w.opts.Metadata}
	if w.opts.ContentType != driver.DefaultContentType {
		sc.ContentType = w.opts.ContentType
	}
	if sc.ContentType == "" && len(sc.Metadata) == 0 {
		return "", nil
	}
	data, err := json.Marshal(sc)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(w.final), tmpPrefix+"*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = w.b.syncFile(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// mkdirAllSynced is os.MkdirAll that also fsyncs the parent of every
// directory it creates, so that after a crash a committed object's
// directory entry chain exists, not only the object's own entry.
func (b *Bucket) mkdirAllSynced(dir string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	} else if dir == b.dir {
		// Never recreate the bucket's own directory: if it vanished (an
		// unmounted volume), writing into the mount point would hide the
		// outage. The stat error classifies as Unavailable.
		if err == nil {
			err = &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		return err
	}
	if parent := filepath.Dir(dir); parent != dir && len(parent) >= len(b.dir) {
		if err := b.mkdirAllSynced(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return b.syncDir(filepath.Dir(dir))
}
