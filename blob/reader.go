package blob

import (
	"io"
	"time"

	"github.com/mssqldump/mssqldump/blob/driver"
)

// Reader streams one object; see Bucket.NewReader.
type Reader struct {
	b   *Bucket
	key string
	r   driver.Reader
}

// Read reads from the object; io.EOF is returned unwrapped at the end.
func (r *Reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = wrap(r.b.d, "Read", r.key, err)
	}
	return n, err
}

// Size is the object's size in bytes.
func (r *Reader) Size() int64 { return r.r.Attributes().Size }

// ModTime is the object's last modification time.
func (r *Reader) ModTime() time.Time { return r.r.Attributes().ModTime }

// Attributes of the object being read, as known when it was opened.
func (r *Reader) Attributes() *Attributes { return fromDriverAttributes(r.r.Attributes()) }

// Close releases the reader.
func (r *Reader) Close() error { return wrap(r.b.d, "Close", r.key, r.r.Close()) }
