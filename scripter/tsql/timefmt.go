package tsql

import (
	"fmt"
	"time"
)

var pow10 = [...]int{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// appendTime writes a date/time value in the ISO 8601 forms SQL Server
// parses the same way under every SET LANGUAGE and SET DATEFORMAT. The wall
// clock of t is used as it is (go-mssqldb builds it in the connection's
// time zone, UTC by default, without shifting): the fields SQL Server
// stored are the fields written.
func appendTime(dst []byte, t time.Time, k kind, typ Type) ([]byte, error) {
	switch k {
	case kindDate:
		if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
			return dst, unsupported(t, typ, "a date with a time of day")
		}
		if err := checkYear(t, typ, 1, 9999); err != nil {
			return dst, err
		}
		dst = append(dst, '\'')
		dst = appendDate(dst, t)
		return append(dst, '\''), nil
	case kindTime:
		dst = append(dst, '\'')
		dst, err := appendClock(dst, t, typ)
		if err != nil {
			return dst, err
		}
		return append(dst, '\''), nil
	case kindDateTime:
		// datetime counts 1/300 s ticks; the driver turns a tick into the
		// nearest millisecond (.000, .003, .007), which SQL Server parses
		// back to the same tick. Round any other time the same way.
		ns := t.Nanosecond()
		ticks := (ns*3 + 5000000) / 10000000
		t = t.Add(-time.Duration(ns))
		if ticks == 300 {
			t = t.Add(time.Second)
			ticks = 0
		}
		if err := checkYear(t, typ, 1753, 9999); err != nil {
			return dst, err
		}
		ms := (ticks*10 + 1) / 3
		dst = append(dst, '\'')
		dst = appendDate(dst, t)
		dst = append(dst, 'T')
		dst = appendHMS(dst, t)
		dst = append(dst, '.')
		dst = appendDigits(dst, ms, 3)
		return append(dst, '\''), nil
	case kindSmallDateTime:
		// smalldatetime keeps minutes; SQL Server rounds 29.998 s down and
		// 29.999 s up.
		sub := time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
		t = t.Add(-sub)
		if sub >= 29999*time.Millisecond {
			t = t.Add(time.Minute)
		}
		if err := checkYear(t, typ, 1900, 2079); err != nil {
			return dst, err
		}
		dst = append(dst, '\'')
		dst = appendDate(dst, t)
		dst = append(dst, 'T')
		dst = appendDigits(dst, t.Hour(), 2)
		dst = append(dst, ':')
		dst = appendDigits(dst, t.Minute(), 2)
		dst = append(dst, ":00'"...)
		return dst, nil
	case kindDateTime2, kindDateTimeOffset:
		if err := checkYear(t, typ, 1, 9999); err != nil {
			return dst, err
		}
		dst = append(dst, '\'')
		dst = appendDate(dst, t)
		dst = append(dst, 'T')
		dst, err := appendClock(dst, t, typ)
		if err != nil {
			return dst, err
		}
		if k == kindDateTimeOffset {
			_, off := t.Zone()
			if off%60 != 0 || off < -14*3600 || off > 14*3600 {
				return dst, unsupported(t, typ, fmt.Sprintf("offset %ds is not whole minutes within ±14:00", off))
			}
			sign := byte('+')
			if off < 0 {
				sign, off = '-', -off
			}
			dst = append(dst, sign)
			dst = appendDigits(dst, off/3600, 2)
			dst = append(dst, ':')
			dst = appendDigits(dst, off/60%60, 2)
		}
		return append(dst, '\''), nil
	}
	return dst, unsupported(t, typ, "not a date/time type")
}

func checkYear(t time.Time, typ Type, lo, hi int) error {
	if y := t.Year(); y < lo || (y > hi) || (typ.Name == "smalldatetime" && t.After(time.Date(2079, 6, 6, 23, 59, 0, 0, t.Location()))) {
		return unsupported(t, typ, fmt.Sprintf("out of the type's range (year %d)", y))
	}
	return nil
}

// appendClock writes hh:mm:ss and, for scale > 0, exactly scale fractional
// digits. A value finer than the scale is an error, never a silent rounding.
func appendClock(dst []byte, t time.Time, typ Type) ([]byte, error) {
	scale := typ.Scale
	if scale < 0 || scale > 7 {
		return dst, unsupported(t, typ, fmt.Sprintf("fractional-second scale %d", scale))
	}
	ns := t.Nanosecond()
	unit := pow10[9-scale]
	if ns%unit != 0 {
		return dst, unsupported(t, typ, fmt.Sprintf("%dns is finer than scale %d", ns, scale))
	}
	dst = appendHMS(dst, t)
	if scale > 0 {
		dst = append(dst, '.')
		dst = appendDigits(dst, ns/unit, scale)
	}
	return dst, nil
}

func appendDate(dst []byte, t time.Time) []byte {
	y, m, d := t.Date()
	dst = appendDigits(dst, y, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(m), 2)
	dst = append(dst, '-')
	return appendDigits(dst, d, 2)
}

func appendHMS(dst []byte, t time.Time) []byte {
	h, m, s := t.Clock()
	dst = appendDigits(dst, h, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, m, 2)
	dst = append(dst, ':')
	return appendDigits(dst, s, 2)
}

// appendDigits writes n (>= 0) zero-padded to width digits.
func appendDigits(dst []byte, n, width int) []byte {
	var buf [10]byte
	i := len(buf)
	for n > 0 || width > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		width--
	}
	return append(dst, buf[i:]...)
}
