package fileblob_test

import (
	"testing"

	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/blob/drivertest"
	"github.com/mssqldump/mssqldump/blob/fileblob"
)

func harness() drivertest.Harness {
	return drivertest.Harness{
		NewBucket: func(t testing.TB) driver.Bucket {
			b, err := fileblob.OpenBucket(t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
	}
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, harness())
}

func BenchmarkFileblob(b *testing.B) {
	drivertest.RunBenchmarks(b, func(tb testing.TB) driver.Bucket {
		d, err := fileblob.OpenBucket(tb.TempDir(), nil)
		if err != nil {
			tb.Fatal(err)
		}
		return d
	})
}
