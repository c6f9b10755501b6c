package dashboard

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Passwords are hashed with argon2id (RFC 9106) and stored in the standard encoded form
//
//	$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>
//
// (base64 without padding), so that the parameters travel with the hash and can be raised
// later without invalidating existing accounts. The password is hashed in Unicode NFC:
// Vietnamese keyboards send "ả" either as one code point or as "a" plus a combining hook, and
// both must open the account.
const (
	argonMemoryKiB = 64 * 1024
	argonTime      = 3
	argonThreads   = 2
	argonSaltLen   = 16
	argonKeyLen    = 32
	// MinPasswordLen is the shortest password accepted for an account.
	MinPasswordLen = 10
	// maxPasswordLen bounds the work a login can ask of the server.
	maxPasswordLen = 256
)

// errBadHash reports a stored hash that is not in the encoded argon2id form.
var errBadHash = errors.New("dashboard: stored password hash is not an argon2id hash")

// HashPassword returns the encoded argon2id hash of password with a fresh random salt.
func HashPassword(password string) (string, error) {
	if err := CheckPasswordStrength(password); err != nil {
		return "", err
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(norm.NFC.String(password)), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPasswordStrength refuses passwords an account must not have: shorter than
// MinPasswordLen characters or longer than 256 bytes.
func CheckPasswordStrength(password string) error {
	if n := len([]rune(password)); n < MinPasswordLen {
		return fmt.Errorf("password: at least %d characters, got %d", MinPasswordLen, n)
	}
	if len(password) > maxPasswordLen {
		return fmt.Errorf("password: at most %d bytes", maxPasswordLen)
	}
	return nil
}

// VerifyPassword reports whether password matches an encoded argon2id hash, comparing in
// constant time. A malformed hash is an error (never a match).
func VerifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || t == 0 || p == 0 || mem > 1<<22 || t > 64 {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) < 16 {
		return false, errBadHash
	}
	if len(password) > maxPasswordLen {
		return false, nil
	}
	got := argon2.IDKey([]byte(norm.NFC.String(password)), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is checked against when a login names an unknown or disabled user, so that the
// answer takes as long as for a real account and does not reveal which usernames exist.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("govpulse-timing-equaliser")
	if err != nil {
		panic(err)
	}
	return h
})

// GeneratePassword returns a random password of 20 characters from an alphabet without
// look-alikes (no 0/O, 1/l/I), about 115 bits: for the first admin and `user add` without stdin.
func GeneratePassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	// Bytes at or above the largest multiple of the alphabet's size are dropped, so every
	// character is equally likely.
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, 20)
	var b [32]byte
	for len(out) < cap(out) {
		if _, err := rand.Read(b[:]); err != nil {
			panic("dashboard: no randomness: " + err.Error())
		}
		for _, x := range b {
			if int(x) < limit && len(out) < cap(out) {
				out = append(out, alphabet[int(x)%len(alphabet)])
			}
		}
	}
	return string(out)
}
