// Package seal protects database credentials on their way from the CLI to
// the agent fleet. The CLI seals what the user typed (-u/-p) to the fleet's
// public key with an anonymous NaCl box (X25519 + XSalsa20-Poly1305, an
// ephemeral sender key per box); only a holder of the fleet's private key —
// an agent — can open it. The password therefore never appears in plaintext
// in a message, a broker's storage or a log line.
//
// Keys have text forms so they fit in files, environment variables and AWS
// Secrets Manager:
//
//	mssqldump-seal-public-1:<base64url of 32 bytes>
//	mssqldump-seal-private-1:<base64url of 32 bytes>
//
// A public key's ID is a short hash of it; jobs carry the ID of the key they
// were sealed to, so an agent holding a different (rotated) key says so
// instead of reporting a bare decryption failure.
package seal

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"
)

// Text prefixes of the key forms. The version digit lets a future scheme
// coexist with this one.
const (
	publicPrefix  = "mssqldump-seal-public-1:"
	privatePrefix = "mssqldump-seal-private-1:"
)

// Overhead is how many bytes Seal adds to the plaintext.
const Overhead = box.AnonymousOverhead

var (
	// ErrOpen is returned when a box cannot be opened: it was sealed to
	// another key, or it was altered.
	ErrOpen = errors.New("seal: cannot open box: sealed to another key or corrupted")
	// ErrMalformedKey is returned by the Parse functions.
	ErrMalformedKey = errors.New("seal: malformed key")
)

var b64 = base64.RawURLEncoding

// PublicKey is the fleet's public key; anyone may hold it.
type PublicKey [32]byte

// PrivateKey is an agent's sealing key. Its String method never shows the
// secret half, so logging one by mistake leaks nothing.
type PrivateKey struct {
	secret [32]byte
	public PublicKey
}

// GenerateKey makes a new random key pair.
func GenerateKey() (*PrivateKey, error) {
	pub, priv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("seal: generate key: %w", err)
	}
	return &PrivateKey{secret: *priv, public: *pub}, nil
}

// Public returns the public half.
func (k *PrivateKey) Public() PublicKey { return k.public }

// Open opens a box made by Seal for k's public key.
func (k *PrivateKey) Open(sealed []byte) ([]byte, error) {
	pub := [32]byte(k.public)
	out, ok := box.OpenAnonymous(nil, sealed, &pub, &k.secret)
	if !ok {
		return nil, ErrOpen
	}
	return out, nil
}

// Seal seals plaintext to pub so that only the holder of its private key can
// open it. Every call uses a fresh ephemeral key, so sealing the same
// plaintext twice gives different boxes.
func Seal(pub PublicKey, plaintext []byte) ([]byte, error) {
	p := [32]byte(pub)
	out, err := box.SealAnonymous(nil, plaintext, &p, rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return out, nil
}

// ID is a short, stable identifier of the key: the first 8 bytes of its
// SHA-256, in hex. It is not secret.
func (p PublicKey) ID() string {
	sum := sha256.Sum256(p[:])
	return hex.EncodeToString(sum[:8])
}

// String returns the text form of the public key.
func (p PublicKey) String() string { return publicPrefix + b64.EncodeToString(p[:]) }

// MarshalText implements encoding.TextMarshaler.
func (p PublicKey) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *PublicKey) UnmarshalText(text []byte) error {
	k, err := ParsePublicKey(string(text))
	if err != nil {
		return err
	}
	*p = k
	return nil
}

// ParsePublicKey parses the text form written by PublicKey.String.
// Surrounding white space (a trailing newline in a file) is ignored.
func ParsePublicKey(s string) (PublicKey, error) {
	raw, err := parse(s, publicPrefix)
	if err != nil {
		return PublicKey{}, err
	}
	return PublicKey(raw), nil
}

// String hides the secret: it shows only the public key's ID.
func (k *PrivateKey) String() string { return "seal.PrivateKey(" + k.public.ID() + ")" }

// GoString hides the secret from %#v too.
func (k *PrivateKey) GoString() string { return k.String() }

// MarshalText returns the secret text form, for writing a key file.
func (k *PrivateKey) MarshalText() ([]byte, error) {
	return []byte(privatePrefix + b64.EncodeToString(k.secret[:])), nil
}

// ParsePrivateKey parses the text form written by PrivateKey.MarshalText.
// Surrounding white space is ignored.
func ParsePrivateKey(s string) (*PrivateKey, error) {
	raw, err := parse(s, privatePrefix)
	if err != nil {
		return nil, err
	}
	k := &PrivateKey{secret: raw}
	pub, err := curve25519.X25519(k.secret[:], curve25519.Basepoint)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedKey, err)
	}
	copy(k.public[:], pub)
	return k, nil
}

func parse(s, prefix string) ([32]byte, error) {
	var out [32]byte
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, prefix) {
		// Never echo the input: it may be a secret key pasted in the
		// wrong place.
		return out, fmt.Errorf("%w: want the %q form", ErrMalformedKey, strings.TrimSuffix(prefix, ":")+":...")
	}
	raw, err := b64.DecodeString(s[len(prefix):])
	if err != nil || len(raw) != 32 {
		return out, fmt.Errorf("%w: the part after %q must be 32 bytes of unpadded base64url", ErrMalformedKey, prefix)
	}
	copy(out[:], raw)
	return out, nil
}

// LoadPrivateKeyFile reads a key file written by WritePrivateKeyFile.
func LoadPrivateKeyFile(path string) (*PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seal: read key file: %w", err)
	}
	k, err := ParsePrivateKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// WritePrivateKeyFile writes k to path, readable by its owner only. It
// refuses to overwrite an existing file: replacing a fleet key by accident
// makes every box sealed to the old key unreadable.
func WritePrivateKeyFile(path string, k *PrivateKey) error {
	text, _ := k.MarshalText()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("seal: write key file: %w", err)
	}
	if _, err := f.Write(append(text, '\n')); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("seal: write key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("seal: write key file: %w", err)
	}
	return f.Close()
}

// Equal reports whether two public keys are the same.
func (p PublicKey) Equal(q PublicKey) bool { return bytes.Equal(p[:], q[:]) }
