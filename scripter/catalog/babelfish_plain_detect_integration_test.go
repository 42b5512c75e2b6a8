package catalog

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// detectServerJoined is DetectServer with the joined queries on every
// engine: the test below compares the two detections on Babelfish.
func detectServerJoined(ctx context.Context, q Querier) (*Server, error) {
	return detectServer(ctx, q, true, &plainCatalog{})
}

// TestIntegrationOnBabelfishThePlainDetectionFindsWhatTheJoinedOneFinds
// detects the server in several databases twice, with the plain reads and
// with the joined queries, and wants the same Server, field by field.
func TestIntegrationOnBabelfishThePlainDetectionFindsWhatTheJoinedOneFinds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dsn, master := requireBabelfish(ctx, t)
	names := userDatabases(ctx, t, master, true)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			conn, err := openDatabase(t, dsn, name).Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			plain, err := DetectServer(ctx, conn)
			if err != nil {
				t.Fatalf("plain detection: %v", err)
			}
			joined, err := detectServerJoined(ctx, conn)
			if err != nil {
				t.Fatalf("joined detection: %v", err)
			}
			if len(joined.columns) == 0 || len(joined.views) == 0 || !joined.Babelfish {
				t.Fatalf("the joined detection found no columns or views, or not Babelfish: %+v", joined)
			}
			pv, jv := reflect.ValueOf(plain).Elem(), reflect.ValueOf(joined).Elem()
			for i := 0; i < pv.NumField(); i++ {
				a, b := pv.Field(i), jv.Field(i)
				if !reflect.DeepEqual(reflect.NewAt(a.Type(), a.Addr().UnsafePointer()).Elem().Interface(),
					reflect.NewAt(b.Type(), b.Addr().UnsafePointer()).Elem().Interface()) {
					t.Errorf("%s: plain %v, joined %v", pv.Type().Field(i).Name,
						reflect.NewAt(a.Type(), a.Addr().UnsafePointer()).Elem().Interface(),
						reflect.NewAt(b.Type(), b.Addr().UnsafePointer()).Elem().Interface())
				}
			}
			if !reflect.DeepEqual(*plain, *joined) {
				t.Errorf("the Servers differ")
			}
		})
	}
}
