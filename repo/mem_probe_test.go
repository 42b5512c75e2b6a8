package repo

import (
	"runtime"
	"testing"
)

func TestACodecHoldsLittleMemoryWhateverItDecoded(t *testing.T) {
	p := genDB{name: "x", rows: 3000, day: 1}.bytes()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	c, err := newCodec()
	if err != nil {
		t.Fatal(err)
	}
	full, _ := c.compress(nil, p, nil)
	delta, _ := c.compress(nil, p, p[:len(p)/2])
	if _, err := c.decompress(nil, full, nil); err != nil {
		t.Fatal(err)
	}
	// Many deltas against distinct bases, as a long backup decodes.
	for i := range 100 {
		base := append([]byte(nil), p[i*1000:len(p)/2+i*1000]...)
		d, err := c.compress(nil, p, base)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.decompress(nil, d, base); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.decompress(nil, delta, p[:len(p)/2]); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	runtime.KeepAlive(c)
	if held := int64(m1.HeapInuse) - int64(m0.HeapInuse); held > 24<<20 {
		t.Errorf("a codec holds %d MiB after use; the backup's memory is a few codecs and must stay small", held>>20)
	} else {
		t.Logf("a codec holds %d KiB", held>>10)
	}
}
