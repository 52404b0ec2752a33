package sms

import (
	"regexp"
	"strings"
	"unicode"
)

// Kind is what a text message asks for.
type Kind int

// The commands. Post is any text that is not a command.
const (
	Post      Kind = iota // the text is a post
	Reply                 // @name text: a reply to name's latest post
	Follow                // FOLLOW name
	Leave                 // LEAVE name
	On                    // ON, or ON name
	Off                   // OFF, or OFF name
	Direct                // D name text
	Get                   // GET name
	Whois                 // WHOIS name
	Repost                // RT name
	Favourite             // FAV name
	Stop                  // STOP and the usual unsubscribe words
	Start                 // START
	Help                  // HELP
	Join                  // JOIN name
	Password              // PASSWORD: a new password for the web, by text
	Code                  // six digits: a link code texted back
	Usage                 // a command word without what it needs (Command.Of)
	Unknown               // a lone capitalised word that is no command
)

var kindNames = [...]string{"post", "reply", "follow", "leave", "on", "off", "direct", "get", "whois",
	"repost", "favourite", "stop", "start", "help", "join", "password", "code", "usage", "unknown"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Command is a parsed text message.
type Command struct {
	Kind Kind
	// Of is the command that lacks its arguments, for Usage.
	Of Kind
	// Name is the account named, without '@' (it may carry "@domain").
	Name string
	// Text is the post (the whole message for Post and Reply), the direct
	// message without "D name", the digits of a Code, or the word of an
	// Unknown command.
	Text string
	// Lang is the language of the command word ("en", "ar" or "fa"), or ""
	// when the message is not a command or the word is shared by Arabic and
	// Persian: replies use it before the account's language.
	Lang string
	// Word is the command word as typed.
	Word string
}

// Aliases are the words of each command, by language. Matching folds case
// and the spellings Arabic and Persian keyboards differ in (see fold), so
// each word is listed once. README.md lists them for people.
var Aliases = map[Kind]map[string][]string{
	Follow:    {"en": {"follow", "f"}, "ar": {"تابع", "متابعة"}, "fa": {"دنبال", "فالو"}},
	Leave:     {"en": {"leave", "unfollow"}, "ar": {"اترك", "غادر"}, "fa": {"ترک", "آنفالو"}},
	On:        {"en": {"on"}, "ar": {"تشغيل"}, "fa": {"روشن"}},
	Off:       {"en": {"off"}, "ar": {"إطفاء"}, "fa": {"خاموش"}},
	Direct:    {"en": {"d", "dm"}, "ar": {"خاص"}, "fa": {"خصوصی"}},
	Get:       {"en": {"get"}, "ar": {"اعرض"}, "fa": {"بگیر"}},
	Whois:     {"en": {"whois"}, "ar": {"ملف"}, "fa": {"کیست"}},
	Repost:    {"en": {"rt", "repost", "boost"}, "ar": {"انشر"}, "fa": {"بازنشر"}},
	Favourite: {"en": {"fav", "fave", "like"}, "ar": {"أعجبني"}, "fa": {"پسند", "لایک"}},
	Stop:      {"en": {"stop", "stopall", "quit", "unsubscribe", "cancel", "end"}, "ar": {"توقف", "إلغاء"}, "fa": {"توقف", "لغو"}},
	Start:     {"en": {"start", "unstop", "resume"}, "ar": {"ابدأ", "استئناف"}, "fa": {"شروع"}},
	Help:      {"en": {"help", "info", "?"}, "ar": {"مساعدة"}, "fa": {"راهنما", "کمک"}},
	Join:      {"en": {"join"}, "ar": {"انضم"}, "fa": {"عضویت", "ثبت\u200cنام"}},
	Password:  {"en": {"password"}, "ar": {"رمز"}, "fa": {"رمز", "گذرواژه"}},
}

type alias struct {
	kind Kind
	lang string // "" when two languages share the word
}

var aliases = func() map[string]alias {
	m := map[string]alias{}
	for kind, byLang := range Aliases {
		for lang, words := range byLang {
			for _, w := range words {
				key := fold(w)
				if a, ok := m[key]; ok {
					if a.kind != kind {
						panic("sms: alias " + w + " names two commands")
					}
					a.lang = ""
					m[key] = a
					continue
				}
				m[key] = alias{kind, lang}
			}
		}
	}
	return m
}()

// fold is the form command words are compared in: lower case; Arabic and
// Persian yeh, kaf and heh/teh marbuta made one; alef with hamza or madda
// made bare alef; diacritics, tatweel and the zero-width non-joiner dropped;
// Arabic-Indic and Persian digits made ASCII.
func fold(s string) string {
	var b strings.Builder
	for _, r := range asciiDigits(strings.ToLower(s)) {
		switch {
		case r == 'ي' || r == 'ى':
			r = 'ی'
		case r == 'ك':
			r = 'ک'
		case r == 'ة':
			r = 'ه'
		case r == 'أ' || r == 'إ' || r == 'آ' || r == 'ٱ':
			r = 'ا'
		case r == 'ـ' || r == '\u200c' || (r >= '\u064b' && r <= '\u065f') || r == '\u0670':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// usernameArg matches what may name an account: a username, optionally
// with '@' before it and a domain after it.
var usernameArg = regexp.MustCompile(`^@?[A-Za-z0-9_]+(@[A-Za-z0-9.-]+)?$`)

// Parse reads a text message. The rules, so that ordinary sentences are
// posted rather than taken for commands:
//   - STOP, START, HELP and PASSWORD are commands only as the whole message;
//   - ON and OFF take nothing or one name;
//   - FOLLOW, LEAVE, GET, WHOIS, RT, FAV and JOIN take exactly one name
//     (alone, the word gets a usage reply; with more words it is a post);
//   - D takes a name that looks like a username and some text;
//   - "@name text" is a reply; six digits alone are a link code;
//   - a lone word in capitals that is no command is an unknown command;
//   - everything else is a post.
func Parse(text string) Command {
	text = strings.TrimSpace(text)
	words := strings.Fields(text)
	if len(words) == 0 {
		return Command{Kind: Post, Text: text}
	}
	first := words[0]
	if len(words) == 1 {
		first = strings.TrimRightFunc(first, func(r rune) bool { return r == '.' || r == '!' || r == '؟' || r == '。' })
		if first == "" {
			first = words[0]
		}
	}
	if len(words) == 1 && isCode(first) {
		return Command{Kind: Code, Text: asciiDigits(first)}
	}
	if len(words) >= 2 && strings.HasPrefix(first, "@") && usernameArg.MatchString(first) {
		return Command{Kind: Reply, Name: strings.TrimPrefix(first, "@"), Text: text}
	}
	a, ok := aliases[fold(first)]
	if !ok {
		if len(words) == 1 && isShouted(first) {
			return Command{Kind: Unknown, Text: first, Word: first}
		}
		return Command{Kind: Post, Text: text}
	}
	c := Command{Kind: a.kind, Lang: a.lang, Word: first}
	switch a.kind {
	case Stop, Start, Help, Password:
		if len(words) == 1 {
			return c
		}
	case On, Off:
		switch len(words) {
		case 1:
			return c
		case 2:
			c.Name = strings.TrimPrefix(words[1], "@")
			return c
		}
	case Follow, Leave, Get, Whois, Repost, Favourite, Join:
		switch len(words) {
		case 1:
			return Command{Kind: Usage, Of: a.kind, Lang: a.lang, Word: first}
		case 2:
			c.Name = strings.TrimPrefix(words[1], "@")
			return c
		}
	case Direct:
		switch {
		case len(words) <= 2:
			return Command{Kind: Usage, Of: a.kind, Lang: a.lang, Word: first}
		case usernameArg.MatchString(words[1]):
			c.Name = strings.TrimPrefix(words[1], "@")
			// The text after the name, as typed (line breaks kept).
			rest := strings.TrimSpace(text[len(first):])
			c.Text = strings.TrimSpace(rest[len(words[1]):])
			return c
		}
	}
	return Command{Kind: Post, Text: text}
}

// isCode reports whether s is six digits, in any of the digit sets phones send.
func isCode(s string) bool {
	s = asciiDigits(s)
	if len(s) != 6 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isShouted reports whether s is a word of two or more capital Latin
// letters, the way people type commands ("FOLOW", "SUBSCRIBE").
func isShouted(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// ValidName reports whether name (as Parse returns it) can name a local
// account: a username, optionally followed by "@" and our own domain.
func ValidName(name, domain string) (string, bool) {
	user, host, hasHost := strings.Cut(name, "@")
	if hasHost && !strings.EqualFold(host, domain) {
		return "", false
	}
	if user == "" || !usernameArg.MatchString(user) {
		return "", false
	}
	return user, true
}
