package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SMSConfig are the text messaging settings, as given. SMS is off unless
// KannelURL is set; then Number and Secret are required too.
type SMSConfig struct {
	// KannelURL is Kannel smsbox's sendsms URL, such as
	// http://127.0.0.1:13013/cgi-bin/sendsms.
	KannelURL string
	// KannelUser and KannelPassword are a sendsms-user of Kannel's;
	// KannelSMSC optionally names the smsc-id to send through.
	KannelUser     string
	KannelPassword string
	KannelSMSC     string
	// Number is the service's own number or short code, which people text.
	Number string
	// Secret is shared with Kannel: its get-url and the dlr-urls carry it.
	Secret string
	// AllowFrom lists the addresses (and prefixes) Kannel calls from.
	AllowFrom string
	// CallbackURL is sada's address as Kannel reaches it, for delivery
	// reports; by default http:// and the listen address.
	CallbackURL string
	// Rate is the per-number limit, "N/duration" or "off"; DailyCap the
	// parts a number may get in 24 hours ("0" for no cap).
	Rate     string
	DailyCap string
	// MaxParts is the longest message in SMS parts.
	MaxParts string
	// JoinsPerHour bounds accounts made by texting JOIN ("0" turns JOIN off).
	JoinsPerHour string
	// RetryMax is the longest wait between tries while Kannel is
	// unreachable; ResendAfter how long a message whose hand-over is in
	// doubt waits for a delivery report before it is sent again.
	RetryMax    string
	ResendAfter string
}

func defaultSMS() SMSConfig {
	return SMSConfig{
		AllowFrom:    "127.0.0.1, ::1",
		Rate:         "10/1m",
		DailyCap:     "100",
		MaxParts:     "4",
		JoinsPerHour: "20",
		RetryMax:     "1m",
		ResendAfter:  "10m",
	}
}

func (c *Config) smsSettings() []setting {
	s := &c.SMS
	return []setting{
		{"sms-kannel-url", "SADA_SMS_KANNEL_URL", "Kannel sendsms URL, e.g. http://127.0.0.1:13013/cgi-bin/sendsms; SMS is off when empty", &s.KannelURL},
		{"sms-kannel-user", "SADA_SMS_KANNEL_USER", "Kannel sendsms-user username", &s.KannelUser},
		{"sms-kannel-password", "SADA_SMS_KANNEL_PASSWORD", "Kannel sendsms-user password", &s.KannelPassword},
		{"sms-kannel-smsc", "SADA_SMS_KANNEL_SMSC", "Kannel smsc-id to send through (default: Kannel's routing)", &s.KannelSMSC},
		{"sms-number", "SADA_SMS_NUMBER", "the service's own number or short code, which people text", &s.Number},
		{"sms-secret", "SADA_SMS_SECRET", "secret shared with Kannel's get-url and dlr-url (16+ letters, digits, - or _)", &s.Secret},
		{"sms-allow-from", "SADA_SMS_ALLOW_FROM", "addresses and prefixes Kannel may call from, comma-separated", &s.AllowFrom},
		{"sms-callback-url", "SADA_SMS_CALLBACK_URL", "sada's URL as Kannel reaches it, for delivery reports (default: http:// and the listen address)", &s.CallbackURL},
		{"sms-rate", "SADA_SMS_RATE", "SMS parts per number: N/duration (e.g. 10/1m) or off; more wait", &s.Rate},
		{"sms-daily-cap", "SADA_SMS_DAILY_CAP", "SMS parts a number may get in 24 hours; more are dropped (0: no cap)", &s.DailyCap},
		{"sms-max-parts", "SADA_SMS_MAX_PARTS", "longest message in SMS parts; longer texts are cut (Kannel's max-messages must allow it)", &s.MaxParts},
		{"sms-joins-per-hour", "SADA_SMS_JOINS_PER_HOUR", "accounts that may be made by texting JOIN per hour, all numbers together (0: JOIN off)", &s.JoinsPerHour},
		{"sms-retry-max", "SADA_SMS_RETRY_MAX", "longest wait between tries while Kannel is unreachable", &s.RetryMax},
		{"sms-resend-after", "SADA_SMS_RESEND_AFTER", "how long a message Kannel may or may not have got waits for a delivery report before it is sent again", &s.ResendAfter},
	}
}

// SMSSettings are the SMS settings parsed; take them from a validated
// Config with Config.SMSSettings.
type SMSSettings struct {
	Enabled            bool
	KannelURL          string
	KannelUser         string
	KannelPassword     string
	KannelSMSC         string
	Number             string
	Secret             string
	AllowFrom          []netip.Prefix
	CallbackURL        string // no trailing slash
	Rate               Rate
	DailyCap, MaxParts int
	JoinsPerHour       int
	RetryMax           time.Duration
	ResendAfter        time.Duration
}

// SMSSettings parses the SMS settings. Validate has already rejected
// anything that does not parse.
func (c Config) SMSSettings() SMSSettings {
	s, _ := c.parseSMS()
	return s
}

func (c Config) parseSMS() (SMSSettings, error) {
	in := c.SMS
	out := SMSSettings{
		Enabled:   in.KannelURL != "",
		KannelURL: in.KannelURL, KannelUser: in.KannelUser, KannelPassword: in.KannelPassword,
		KannelSMSC: in.KannelSMSC, Number: in.Number, Secret: in.Secret,
	}
	var err error
	if out.Rate, err = ParseRate(in.Rate); err != nil {
		return out, fmt.Errorf("sms-rate: %w", err)
	}
	for _, n := range []struct {
		name, v string
		min     int
		dst     *int
	}{
		{"sms-daily-cap", in.DailyCap, 0, &out.DailyCap},
		{"sms-max-parts", in.MaxParts, 1, &out.MaxParts},
		{"sms-joins-per-hour", in.JoinsPerHour, 0, &out.JoinsPerHour},
	} {
		if *n.dst, err = strconv.Atoi(n.v); err != nil || *n.dst < n.min {
			return out, fmt.Errorf("%s %q: want a whole number of at least %d", n.name, n.v, n.min)
		}
	}
	if out.MaxParts > 10 {
		return out, fmt.Errorf("sms-max-parts %q: at most 10", in.MaxParts)
	}
	for _, d := range []struct {
		name, v string
		dst     *time.Duration
	}{{"sms-retry-max", in.RetryMax, &out.RetryMax}, {"sms-resend-after", in.ResendAfter, &out.ResendAfter}} {
		if *d.dst, err = time.ParseDuration(d.v); err != nil || *d.dst < time.Second {
			return out, fmt.Errorf("%s %q: want a duration of at least 1s, such as 1m", d.name, d.v)
		}
	}
	for _, f := range strings.Split(in.AllowFrom, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		var p netip.Prefix
		if strings.Contains(f, "/") {
			p, err = netip.ParsePrefix(f)
			p = p.Masked()
		} else {
			var a netip.Addr
			a, err = netip.ParseAddr(f)
			a = a.Unmap()
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if err != nil {
			return out, fmt.Errorf("sms-allow-from %q: %w", f, err)
		}
		out.AllowFrom = append(out.AllowFrom, p)
	}
	out.CallbackURL = strings.TrimRight(in.CallbackURL, "/")
	if out.CallbackURL == "" {
		host, port, _ := net.SplitHostPort(c.Addr)
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = "127.0.0.1"
		}
		out.CallbackURL = "http://" + net.JoinHostPort(host, port)
	}
	if !out.Enabled {
		return out, nil
	}
	if u, err := url.Parse(in.KannelURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return out, fmt.Errorf("sms-kannel-url %q: want an http(s) URL such as http://127.0.0.1:13013/cgi-bin/sendsms", in.KannelURL)
	}
	if u, err := url.Parse(out.CallbackURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return out, fmt.Errorf("sms-callback-url %q: want an http(s) URL", in.CallbackURL)
	}
	if in.Number == "" {
		return out, fmt.Errorf("sms-number: required when SMS is on")
	}
	if len(in.Secret) < 16 || strings.Trim(in.Secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return out, fmt.Errorf("sms-secret: required when SMS is on: 16 or more letters, digits, '-' or '_'")
	}
	if len(out.AllowFrom) == 0 {
		return out, fmt.Errorf("sms-allow-from: no address would be allowed to call")
	}
	return out, nil
}
