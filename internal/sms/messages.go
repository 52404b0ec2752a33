package sms

import (
	"fmt"
	"strings"
	"unicode"
)

// msg names a reply. Each is short: every 67 characters of Arabic or
// Persian is another SMS on someone's bill.
type msg int

const (
	msgHelp msg = iota
	msgHelpNewcomer
	msgUnknownNumber
	msgUnknownCommand
	msgUsage
	msgNoSuchName
	msgNoPosts
	msgTooLong
	msgNotPosted
	msgNotAllowed
	msgFollowing
	msgRequested
	msgLeft
	msgUpdatesOn
	msgUpdatesOff
	msgOnFor
	msgOffFor
	msgNotFollowing
	msgSelf
	msgReposted
	msgFavourited
	msgWhois
	msgStopped
	msgStarted
	msgWelcome
	msgAlreadyJoined
	msgNameTaken
	msgBadName
	msgJoinClosed
	msgJoinBusy
	msgPassword
	msgLinked
	msgBadCode
	msgNumberTaken
	msgLinkCode
	msgTrouble
	msgCount // not a message: the number of them
)

// catalog holds every reply in English, Arabic and Persian. Verbs (%s, %d)
// come in the same order in every language; TestCatalog checks.
var catalog = map[string][msgCount]string{
	"en": {
		msgHelp:           "sada: any text is a post. @name text: reply. F name: follow. LEAVE name. ON/OFF [name]: texts on/off. D name text: private. GET name. WHOIS name. RT name. FAV name. PASSWORD. STOP. START.",
		msgHelpNewcomer:   "sada: text JOIN and a name (a-z, 0-9, _) to make an account, e.g. JOIN sara_88. STOP: no more texts.",
		msgUnknownNumber:  "This number has no sada account. Text JOIN and a name to make one, e.g. JOIN sara_88. HELP for more.",
		msgUnknownCommand: "Unknown command %s. Nothing was changed. Text HELP for the list.",
		msgUsage:          "Write it as: %s",
		msgNoSuchName:     "No one is called %s here. Nothing was changed.",
		msgNoPosts:        "%s has no posts you can see.",
		msgTooLong:        "Not posted: your text is %d characters; the limit is %d.",
		msgNotPosted:      "Not posted: %s",
		msgNotAllowed:     "Not done: %s",
		msgFollowing:      "You follow %s. Their posts will come by text; OFF %s stops them.",
		msgRequested:      "%s approves followers; your request is sent. Their posts will come by text once accepted.",
		msgLeft:           "You no longer follow %s.",
		msgUpdatesOn:      "Texts are on.",
		msgUpdatesOff:     "Texts are off. ON turns them on again.",
		msgOnFor:          "Posts by %s will come by text.",
		msgOffFor:         "No more texts of posts by %s.",
		msgNotFollowing:   "You don't follow %s. Text FOLLOW %s first.",
		msgSelf:           "That is you.",
		msgReposted:       "Reposted the latest post by %s.",
		msgFavourited:     "Liked the latest post by %s.",
		msgWhois:          "%s: %s Posts %d, following %d, followers %d.",
		msgStopped:        "You will get no more texts from sada. Text START to get them again.",
		msgStarted:        "Texts from sada are on again. HELP for commands.",
		msgWelcome:        "Welcome to sada, @%s! Text anything to post it; HELP for commands. For the web, text PASSWORD, then sign in at %s.",
		msgAlreadyJoined:  "This number already has the account @%s.",
		msgNameTaken:      "The name %s is taken. Try another: JOIN name.",
		msgBadName:        "A name has letters a-z, digits and _ (30 at most). Try again: JOIN name.",
		msgJoinClosed:     "Sign-up is closed on this server.",
		msgJoinBusy:       "Too many new accounts just now. Please try again in an hour.",
		msgPassword:       "Your sada password: %s. Sign in at %s as %s and change it in settings.",
		msgLinked:         "This number is now linked to @%s.",
		msgBadCode:        "That code is wrong or has expired.",
		msgNumberTaken:    "This number is already linked to another account.",
		msgLinkCode:       "Your sada code: %s. Enter it on the web or text it back here. It expires in 15 minutes.",
		msgTrouble:        "Something went wrong. Please try again later.",
	},
	"ar": {
		msgHelp:           "صدى: أي نص يُنشر. @اسم نص: رد. تابع اسم. اترك اسم. تشغيل/إطفاء [اسم]. خاص اسم نص. اعرض اسم. ملف اسم. انشر اسم. أعجبني اسم. رمز. توقف. ابدأ.",
		msgHelpNewcomer:   "صدى: أرسل انضم واسمًا (a-z، 0-9، _) لإنشاء حساب، مثل: انضم sara_88. توقف: لا رسائل بعد الآن.",
		msgUnknownNumber:  "لا حساب في صدى لهذا الرقم. أرسل انضم واسمًا لإنشائه، مثل: انضم sara_88. مساعدة للمزيد.",
		msgUnknownCommand: "أمر غير معروف: %s. لم يتغير شيء. أرسل مساعدة للقائمة.",
		msgUsage:          "اكتبها هكذا: %s",
		msgNoSuchName:     "لا أحد باسم %s هنا. لم يتغير شيء.",
		msgNoPosts:        "لا منشورات لـ %s يمكنك رؤيتها.",
		msgTooLong:        "لم يُنشر: نصك %d حرفًا والحد %d.",
		msgNotPosted:      "لم يُنشر: %s",
		msgNotAllowed:     "لم يتم: %s",
		msgFollowing:      "أنت تتابع %s. ستصلك منشوراته برسائل؛ إطفاء %s يوقفها.",
		msgRequested:      "%s يوافق على متابعيه؛ أُرسل طلبك. ستصلك منشوراته بعد القبول.",
		msgLeft:           "لم تعد تتابع %s.",
		msgUpdatesOn:      "الرسائل مفعّلة.",
		msgUpdatesOff:     "الرسائل متوقفة. تشغيل يعيدها.",
		msgOnFor:          "ستصلك منشورات %s برسائل.",
		msgOffFor:         "لا رسائل بعد الآن لمنشورات %s.",
		msgNotFollowing:   "أنت لا تتابع %s. أرسل تابع %s أولًا.",
		msgSelf:           "هذا أنت.",
		msgReposted:       "أُعيد نشر آخر منشور لـ %s.",
		msgFavourited:     "أُعجبت بآخر منشور لـ %s.",
		msgWhois:          "%s: %s المنشورات %d، يتابع %d، المتابعون %d.",
		msgStopped:        "لن تصلك رسائل من صدى بعد الآن. أرسل ابدأ لاستئنافها.",
		msgStarted:        "عادت رسائل صدى. مساعدة للأوامر.",
		msgWelcome:        "أهلًا بك في صدى يا @%s! أرسل أي نص لنشره؛ مساعدة للأوامر. للموقع أرسل رمز ثم ادخل من %s.",
		msgAlreadyJoined:  "لهذا الرقم حساب بالفعل: @%s.",
		msgNameTaken:      "الاسم %s مأخوذ. جرّب غيره: انضم اسم.",
		msgBadName:        "الاسم حروف a-z وأرقام و _ (30 على الأكثر). حاول مجددًا: انضم اسم.",
		msgJoinClosed:     "التسجيل مغلق على هذا الخادم.",
		msgJoinBusy:       "حسابات جديدة كثيرة الآن. حاول بعد ساعة.",
		msgPassword:       "كلمة سر صدى: %s. ادخل من %s باسم %s وغيّرها في الإعدادات.",
		msgLinked:         "رُبط هذا الرقم بـ @%s.",
		msgBadCode:        "الرمز خاطئ أو منتهٍ.",
		msgNumberTaken:    "هذا الرقم مربوط بحساب آخر.",
		msgLinkCode:       "رمز صدى: %s. أدخله في الموقع أو أرسله هنا. ينتهي بعد 15 دقيقة.",
		msgTrouble:        "حدث خطأ. حاول لاحقًا.",
	},
	"fa": {
		msgHelp:           "صدا: هر متنی منتشر می\u200cشود. \u200e@نام متن: پاسخ. دنبال نام. ترک نام. روشن/خاموش [نام]. خصوصی نام متن. بگیر نام. کیست نام. بازنشر نام. پسند نام. رمز. لغو. شروع.",
		msgHelpNewcomer:   "صدا: برای ساختن حساب، عضویت و یک نام (a-z، 0-9، _) بفرستید، مثل: عضویت sara_88. لغو: دیگر پیامکی نمی\u200cآید.",
		msgUnknownNumber:  "این شماره در صدا حسابی ندارد. برای ساختن آن عضویت و یک نام بفرستید، مثل: عضویت sara_88. راهنما برای بیشتر.",
		msgUnknownCommand: "فرمان ناشناخته: %s. چیزی تغییر نکرد. راهنما برای فهرست.",
		msgUsage:          "این\u200cطور بنویسید: %s",
		msgNoSuchName:     "کسی به نام %s اینجا نیست. چیزی تغییر نکرد.",
		msgNoPosts:        "%s پستی ندارد که شما ببینید.",
		msgTooLong:        "منتشر نشد: متن شما %d نویسه است و حد %d است.",
		msgNotPosted:      "منتشر نشد: %s",
		msgNotAllowed:     "انجام نشد: %s",
		msgFollowing:      "%s را دنبال می\u200cکنید. پست\u200cهایش پیامک می\u200cشود؛ خاموش %s قطعش می\u200cکند.",
		msgRequested:      "%s دنبال\u200cکننده\u200cها را تأیید می\u200cکند؛ درخواست شما رفت. پس از تأیید پست\u200cهایش پیامک می\u200cشود.",
		msgLeft:           "دیگر %s را دنبال نمی\u200cکنید.",
		msgUpdatesOn:      "پیامک\u200cها روشن است.",
		msgUpdatesOff:     "پیامک\u200cها خاموش است. روشن دوباره روشنش می\u200cکند.",
		msgOnFor:          "پست\u200cهای %s پیامک می\u200cشود.",
		msgOffFor:         "دیگر پست\u200cهای %s پیامک نمی\u200cشود.",
		msgNotFollowing:   "%s را دنبال نمی\u200cکنید. اول بفرستید: دنبال %s",
		msgSelf:           "این خود شمایید.",
		msgReposted:       "آخرین پست %s بازنشر شد.",
		msgFavourited:     "آخرین پست %s را پسندیدید.",
		msgWhois:          "%s: %s پست %d، دنبال\u200cشونده %d، دنبال\u200cکننده %d.",
		msgStopped:        "دیگر پیامکی از صدا نمی\u200cآید. برای ادامه شروع بفرستید.",
		msgStarted:        "پیامک\u200cهای صدا دوباره روشن شد. راهنما برای فرمان\u200cها.",
		msgWelcome:        "به صدا خوش آمدید، \u200e@%s! هر متنی بفرستید منتشر می\u200cشود؛ راهنما برای فرمان\u200cها. برای وب رمز بفرستید و در %s وارد شوید.",
		msgAlreadyJoined:  "این شماره از پیش حساب \u200e@%s را دارد.",
		msgNameTaken:      "نام %s گرفته شده. نام دیگری بفرستید: عضویت نام",
		msgBadName:        "نام از حروف a-z، رقم و _ است (حداکثر 30). دوباره: عضویت نام",
		msgJoinClosed:     "ثبت\u200cنام در این سرور بسته است.",
		msgJoinBusy:       "الان حساب\u200cهای تازه زیاد است. یک ساعت دیگر امتحان کنید.",
		msgPassword:       "رمز صدای شما: %s. در %s با نام %s وارد شوید و در تنظیمات عوضش کنید.",
		msgLinked:         "این شماره به \u200e@%s وصل شد.",
		msgBadCode:        "کد اشتباه است یا منقضی شده.",
		msgNumberTaken:    "این شماره به حساب دیگری وصل است.",
		msgLinkCode:       "کد صدا: %s. در وب وارد کنید یا همین\u200cجا بفرستید. تا ۱۵ دقیقه اعتبار دارد.",
		msgTrouble:        "مشکلی پیش آمد. بعداً دوباره امتحان کنید.",
	},
}

// say renders a reply in lang (English when lang has no catalogue).
func say(lang string, m msg, args ...any) string {
	c, ok := catalog[lang]
	if !ok || c[m] == "" {
		c = catalog["en"]
	}
	if len(args) == 0 {
		return c[m]
	}
	return fmt.Sprintf(c[m], args...)
}

// usage is how a command is written, with its words in lang.
func usage(lang string, k Kind) string {
	word := strings.ToUpper(Aliases[k]["en"][0])
	if w, ok := Aliases[k][lang]; ok && lang != "en" {
		word = w[0]
	}
	name, text := "name", "text"
	switch lang {
	case "ar":
		name, text = "اسم", "نص"
	case "fa":
		name, text = "نام", "متن"
	}
	if k == Direct {
		return say(lang, msgUsage, word+" "+name+" "+text)
	}
	return say(lang, msgUsage, word+" "+name)
}

// scriptLanguage guesses the language of text from its letters: Persian
// when it has letters only Persian uses, Arabic for other Arabic script,
// "" otherwise.
func scriptLanguage(text string) string {
	arabic := false
	for _, r := range text {
		switch r {
		case 'پ', 'چ', 'ژ', 'گ', 'ک', 'ی':
			return "fa"
		}
		if unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r) {
			arabic = true
		}
	}
	if arabic {
		return "ar"
	}
	return ""
}
