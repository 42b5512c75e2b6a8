package seal

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealedBoxOpensOnlyWithTheMatchingKey(t *testing.T) {
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := GenerateKey()
	msg := []byte("s3cr3t password")
	box, err := Seal(k.Public(), msg)
	if err != nil {
		t.Fatal(err)
	}
	if len(box) != len(msg)+Overhead {
		t.Fatalf("box is %d bytes, want %d", len(box), len(msg)+Overhead)
	}
	if bytes.Contains(box, msg) {
		t.Fatal("box contains the plaintext")
	}
	got, err := k.Open(box)
	if err != nil || string(got) != string(msg) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := other.Open(box); !errors.Is(err, ErrOpen) {
		t.Fatalf("Open with another key = %v, want ErrOpen", err)
	}
}

func TestTamperedBoxIsRejected(t *testing.T) {
	k, _ := GenerateKey()
	box, _ := Seal(k.Public(), []byte("pw"))
	for i := range box {
		b := bytes.Clone(box)
		b[i] ^= 1
		if _, err := k.Open(b); !errors.Is(err, ErrOpen) {
			t.Fatalf("flipping byte %d: Open = %v, want ErrOpen", i, err)
		}
	}
	if _, err := k.Open(box[:10]); !errors.Is(err, ErrOpen) {
		t.Fatalf("short box: %v", err)
	}
}

func TestSealingTwiceGivesDifferentBoxes(t *testing.T) {
	k, _ := GenerateKey()
	a, _ := Seal(k.Public(), []byte("pw"))
	b, _ := Seal(k.Public(), []byte("pw"))
	if bytes.Equal(a, b) {
		t.Fatal("two seals of the same plaintext are equal; the ephemeral key is not fresh")
	}
}

func TestKeysRoundTripThroughTheirTextForms(t *testing.T) {
	k, _ := GenerateKey()
	text, _ := k.MarshalText()
	k2, err := ParsePrivateKey(string(text) + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if !k2.Public().Equal(k.Public()) {
		t.Fatal("parsed private key derives a different public key")
	}
	pub, err := ParsePublicKey("  " + k.Public().String() + "\n")
	if err != nil || !pub.Equal(k.Public()) {
		t.Fatalf("ParsePublicKey = %v, %v", pub, err)
	}
	var p2 PublicKey
	if err := p2.UnmarshalText([]byte(k.Public().String())); err != nil || !p2.Equal(k.Public()) {
		t.Fatal("UnmarshalText")
	}
	box, _ := Seal(pub, []byte("x"))
	if got, err := k2.Open(box); err != nil || string(got) != "x" {
		t.Fatal("parsed key cannot open")
	}
}

func TestMalformedKeysAreRejectedWithoutEchoingThem(t *testing.T) {
	k, _ := GenerateKey()
	priv, _ := k.MarshalText()
	for _, in := range []string{"", "garbage", k.Public().String()[:30], string(priv)} {
		_, err := ParsePublicKey(in)
		if !errors.Is(err, ErrMalformedKey) {
			t.Fatalf("ParsePublicKey(%q) = %v", in, err)
		}
		if in != "" && strings.Contains(err.Error(), in) {
			t.Fatalf("error echoes the input: %v", err)
		}
	}
	if _, err := ParsePrivateKey(k.Public().String()); !errors.Is(err, ErrMalformedKey) {
		t.Fatalf("public key accepted as private: %v", err)
	}
}

func TestKeyIDIsShortStableAndDistinct(t *testing.T) {
	a, _ := GenerateKey()
	b, _ := GenerateKey()
	// Stable: the key read back from its text form has the same ID.
	back, err := ParsePublicKey(a.Public().String())
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Public().ID()) != 16 || back.ID() != a.Public().ID() {
		t.Fatalf("ID %q", a.Public().ID())
	}
	if a.Public().ID() == b.Public().ID() {
		t.Fatal("two keys share an ID")
	}
}

func TestPrivateKeyNeverPrintsItsSecret(t *testing.T) {
	k, _ := GenerateKey()
	text, _ := k.MarshalText()
	secret := strings.TrimPrefix(string(text), privatePrefix)
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(f, k); strings.Contains(s, secret) {
			t.Fatalf("%s shows the secret: %s", f, s)
		}
	}
}

func TestCredentialsRoundTripAndHideThePassword(t *testing.T) {
	k, _ := GenerateKey()
	c := Credentials{User: "backup", Password: "hunter2:with:colons"}
	box, err := SealCredentials(k.Public(), c)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(box, []byte("hunter2")) {
		t.Fatal("plaintext password in box")
	}
	got, err := k.OpenCredentials(box)
	if err != nil || got != c {
		t.Fatalf("OpenCredentials = %v, %v", got, err)
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(f, got); strings.Contains(s, "hunter2") {
			t.Fatalf("%s shows the password: %s", f, s)
		}
	}
	notJSON, _ := Seal(k.Public(), []byte("hunter2"))
	if _, err := k.OpenCredentials(notJSON); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("non-JSON box: %v", err)
	}
}

func TestKeyFileIsPrivateAndNeverOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.key")
	k, _ := GenerateKey()
	if err := WritePrivateKeyFile(path, k); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	k2, _ := GenerateKey()
	if err := WritePrivateKeyFile(path, k2); err == nil {
		t.Fatal("existing key file overwritten")
	}
	got, err := LoadPrivateKeyFile(path)
	if err != nil || !got.Public().Equal(k.Public()) {
		t.Fatalf("LoadPrivateKeyFile = %v, %v", got, err)
	}
}
