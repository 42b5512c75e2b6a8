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
		y, mo, d := t.Date()
		h, mi, sec := t.Clock()
		if h != 0 || mi != 0 || sec != 0 || t.Nanosecond() != 0 {
			return dst, unsupported(t, typ, "a date with a time of day")
		}
		if y < 1 || y > 9999 {
			return dst, outOfRange(t, typ, y)
		}
		dst = append(dst, '\'')
		dst = appendYMD(dst, y, int(mo), d)
		return append(dst, '\''), nil
	case kindTime:
		h, mi, sec := t.Clock()
		dst = append(dst, '\'')
		dst, err := appendClock(dst, h, mi, sec, t, typ)
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
		if ticks == 300 {
			t = t.Add(time.Second - time.Duration(ns))
			ticks = 0
		}
		y, mo, d := t.Date()
		if y < 1753 || y > 9999 {
			return dst, outOfRange(t, typ, y)
		}
		h, mi, sec := t.Clock()
		ms := (ticks*10 + 1) / 3
		dst = append(dst, '\'')
		dst = appendYMD(dst, y, int(mo), d)
		dst = append(dst, 'T')
		dst = appendHMS(dst, h, mi, sec)
		dst = append(dst, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), '\'')
		return dst, nil
	case kindSmallDateTime:
		// smalldatetime keeps minutes; SQL Server rounds 29.998 s down and
		// 29.999 s up.
		sub := time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
		t = t.Add(-sub)
		if sub >= 29999*time.Millisecond {
			t = t.Add(time.Minute)
		}
		y, mo, d := t.Date()
		if y < 1900 || t.After(time.Date(2079, 6, 6, 23, 59, 0, 0, t.Location())) {
			return dst, outOfRange(t, typ, y)
		}
		h, mi, _ := t.Clock()
		dst = append(dst, '\'')
		dst = appendYMD(dst, y, int(mo), d)
		dst = append(dst, 'T')
		dst = append2(dst, h)
		dst = append(dst, ':')
		dst = append2(dst, mi)
		return append(dst, ":00'"...), nil
	case kindDateTime2, kindDateTimeOffset:
		y, mo, d := t.Date()
		if y < 1 || y > 9999 {
			return dst, outOfRange(t, typ, y)
		}
		h, mi, sec := t.Clock()
		dst = append(dst, '\'')
		dst = appendYMD(dst, y, int(mo), d)
		dst = append(dst, 'T')
		dst, err := appendClock(dst, h, mi, sec, t, typ)
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
			dst = append2(dst, off/3600)
			dst = append(dst, ':')
			dst = append2(dst, off/60%60)
		}
		return append(dst, '\''), nil
	}
	return dst, unsupported(t, typ, "not a date/time type")
}

func outOfRange(t time.Time, typ Type, y int) error {
	return unsupported(t, typ, fmt.Sprintf("out of the type's range (year %d)", y))
}

// appendClock writes hh:mm:ss and, for scale > 0, exactly scale fractional
// digits. A value finer than the scale is an error, never a silent rounding.
func appendClock(dst []byte, h, mi, sec int, t time.Time, typ Type) ([]byte, error) {
	scale := typ.Scale
	if scale < 0 || scale > 7 {
		return dst, unsupported(t, typ, fmt.Sprintf("fractional-second scale %d", scale))
	}
	ns := t.Nanosecond()
	unit := pow10[9-scale]
	if ns%unit != 0 {
		return dst, unsupported(t, typ, fmt.Sprintf("%dns is finer than scale %d", ns, scale))
	}
	dst = appendHMS(dst, h, mi, sec)
	if scale > 0 {
		dst = append(dst, '.')
		dst = appendDigits(dst, ns/unit, scale)
	}
	return dst, nil
}

func appendYMD(dst []byte, y, m, d int) []byte {
	return append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10),
		'-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

func appendHMS(dst []byte, h, m, s int) []byte {
	return append(dst, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10),
		':', byte('0'+s/10), byte('0'+s%10))
}

func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10), byte('0'+n%10))
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
