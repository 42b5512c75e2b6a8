package driver

import "testing"

func TestMultipartOptions(t *testing.T) {
	ps, c, err := MultipartOptions("dumps/", 0, 0)
	if err != nil || ps != DefaultPartSize || c != DefaultConcurrency {
		t.Fatalf("defaults: got %d, %d, %v", ps, c, err)
	}
	ps, c, err = MultipartOptions("", MinPartSize, 7)
	if err != nil || ps != MinPartSize || c != 7 {
		t.Fatalf("explicit: got %d, %d, %v", ps, c, err)
	}
	for _, bad := range []struct {
		prefix   string
		partSize int64
	}{{"", MinPartSize - 1}, {"/dumps/", 0}, {"a//b/", 0}} {
		if _, _, err := MultipartOptions(bad.prefix, bad.partSize, 0); err == nil {
			t.Errorf("MultipartOptions(%q, %d) accepted", bad.prefix, bad.partSize)
		}
	}
}
