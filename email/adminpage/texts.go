package adminpage

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"naryad/hub/web/staffpage"
)

var errNoSealer = errors.New("e-mail page: no sealer")

// words are the page's words in the staff member's language.
func words(c *fiber.Ctx) map[string]string { return texts[staffpage.Locale(c, texts)] }

// texts are the e-mail page's words.
var texts = map[string]map[string]string{
	"ru": {
		"title": "Электронная почта", "branch": "Филиал", "show": "Показать", "no_branch_yet": "Филиалов пока нет.",
		"sender_h": "Отправитель писем филиала", "from": "Адрес отправителя (From)", "from_name": "Имя отправителя",
		"from_hint": "Пусто — письма уходят от %s.", "from_hint_none": "Пусто — у сервера нет адреса по умолчанию (NARYAD_MAIL_FROM), и письма филиала не уходят.",
		"dkim_h": "Подпись DKIM", "dkim_hint": "Необязательно. Домен — домен адреса отправителя; ключ — закрытый ключ RSA (от 1024 бит) или Ed25519 в формате PEM.",
		"dkim_domain": "Домен (d=)", "dkim_selector": "Селектор (s=)", "dkim_key": "Закрытый ключ (PEM)",
		"key_saved": "Ключ сохранён и больше не показывается. Вставьте новый, чтобы заменить его.", "key_none": "Ключа нет.",
		"key_remove": "Удалить ключ и не подписывать письма", "dns_h": "Запись DNS (TXT) для этого ключа:",
		"fallback": "Если письмо не доставлено, отправить тот же текст по SMS",
		"save":     "Сохранить", "saved": "Настройки почты сохранены.",
		"test_h": "Пробное письмо", "test_to": "Кому", "test_send": "Отправить пробное письмо",
		"test_hint": "Уходит сразу, от отправителя и с подписью филиала; ответ почтового сервера показывается здесь.",
		"test_off":  "Этот сервер не отправляет почту: не задан NARYAD_SMTP_HOST.",
		"test_sent": "Почтовый сервер принял пробное письмо.", "test_failed": "Пробное письмо не отправлено: %s",
		"test_subject": "Пробное письмо от naryad", "test_text": "Это пробное письмо филиала %s. Если вы его читаете, отправка почты работает.",
		"bad_from": "Адрес отправителя — один адрес вида serwis@example.pl.", "bad_name": "Имя отправителя — одна строка до 100 знаков.",
		"bad_domain": "Домен DKIM — имя домена вида example.pl.", "bad_selector": "Селектор DKIM — буквы, цифры, дефисы и точки.",
		"bad_key": "Ключ не прочитан: это должен быть закрытый ключ RSA (от 1024 бит) или Ed25519 в формате PEM.", "dkim_incomplete": "Для подписи DKIM нужны домен, селектор и ключ — все три, или ни одного.",
		"dkim_unaligned": "Домен DKIM %s не совпадает с доменом адреса отправителя %s: получатели не засчитают такую подпись (DMARC).",
		"bad_test_to":    "Адрес получателя — один адрес вида anna@example.pl.", "no_branch": "Такого филиала нет. Выберите филиал из списка.",
	},
	"pl": {
		"title": "Poczta e-mail", "branch": "Oddział", "show": "Pokaż", "no_branch_yet": "Nie ma jeszcze oddziałów.",
		"sender_h": "Nadawca e-maili oddziału", "from": "Adres nadawcy (From)", "from_name": "Nazwa nadawcy",
		"from_hint": "Puste — e-maile wychodzą z adresu %s.", "from_hint_none": "Puste — serwer nie ma adresu domyślnego (NARYAD_MAIL_FROM), więc e-maile oddziału nie wychodzą.",
		"dkim_h": "Podpis DKIM", "dkim_hint": "Opcjonalnie. Domena to domena adresu nadawcy; klucz to klucz prywatny RSA (od 1024 bitów) lub Ed25519 w formacie PEM.",
		"dkim_domain": "Domena (d=)", "dkim_selector": "Selektor (s=)", "dkim_key": "Klucz prywatny (PEM)",
		"key_saved": "Klucz jest zapisany i nie jest już pokazywany. Wklej nowy, aby go zastąpić.", "key_none": "Brak klucza.",
		"key_remove": "Usuń klucz i nie podpisuj e-maili", "dns_h": "Rekord DNS (TXT) dla tego klucza:",
		"fallback": "Gdy e-mail nie dotrze, wyślij ten sam tekst SMS-em",
		"save":     "Zapisz", "saved": "Ustawienia poczty zapisane.",
		"test_h": "E-mail testowy", "test_to": "Do", "test_send": "Wyślij e-mail testowy",
		"test_hint": "Wychodzi od razu, od nadawcy i z podpisem oddziału; odpowiedź serwera poczty jest pokazana tutaj.",
		"test_off":  "Ten serwer nie wysyła poczty: nie ustawiono NARYAD_SMTP_HOST.",
		"test_sent": "Serwer poczty przyjął e-mail testowy.", "test_failed": "E-mail testowy nie został wysłany: %s",
		"test_subject": "E-mail testowy od naryad", "test_text": "To e-mail testowy oddziału %s. Jeśli go czytasz, wysyłka poczty działa.",
		"bad_from": "Adres nadawcy to jeden adres w postaci serwis@example.pl.", "bad_name": "Nazwa nadawcy to jeden wiersz do 100 znaków.",
		"bad_domain": "Domena DKIM to nazwa domeny w postaci example.pl.", "bad_selector": "Selektor DKIM to litery, cyfry, myślniki i kropki.",
		"bad_key": "Nie można odczytać klucza: musi to być klucz prywatny RSA (od 1024 bitów) lub Ed25519 w formacie PEM.", "dkim_incomplete": "Podpis DKIM wymaga domeny, selektora i klucza — wszystkich trzech albo żadnego.",
		"dkim_unaligned": "Domena DKIM %s nie zgadza się z domeną adresu nadawcy %s: odbiorcy nie uznają takiego podpisu (DMARC).",
		"bad_test_to":    "Adres odbiorcy to jeden adres w postaci anna@example.pl.", "no_branch": "Nie ma takiego oddziału. Wybierz oddział z listy.",
	},
	"en": {
		"title": "E-mail", "branch": "Branch", "show": "Show", "no_branch_yet": "No branch yet.",
		"sender_h": "The branch's e-mail sender", "from": "Sender address (From)", "from_name": "Sender name",
		"from_hint": "Empty: e-mails go from %s.", "from_hint_none": "Empty: the server has no default sender (NARYAD_MAIL_FROM), so the branch's e-mails do not go out.",
		"dkim_h": "DKIM signature", "dkim_hint": "Optional. The domain is the sender address's domain; the key is an RSA (1024 bits or more) or Ed25519 private key in PEM.",
		"dkim_domain": "Domain (d=)", "dkim_selector": "Selector (s=)", "dkim_key": "Private key (PEM)",
		"key_saved": "A key is saved and is not shown again. Paste a new one to replace it.", "key_none": "No key.",
		"key_remove": "Remove the key and sign no e-mails", "dns_h": "The DNS record (TXT) for this key:",
		"fallback": "When an e-mail cannot be delivered, send the same text by SMS",
		"save":     "Save", "saved": "The e-mail settings were saved.",
		"test_h": "Test e-mail", "test_to": "To", "test_send": "Send a test e-mail",
		"test_hint": "Goes at once, from the branch's sender and with its signature; the mail server's answer is shown here.",
		"test_off":  "This server sends no e-mail: NARYAD_SMTP_HOST is not set.",
		"test_sent": "The mail server accepted the test e-mail.", "test_failed": "The test e-mail was not sent: %s",
		"test_subject": "Test e-mail from naryad", "test_text": "This is a test e-mail of branch %s. If you are reading it, sending e-mail works.",
		"bad_from": "The sender address is one address like serwis@example.pl.", "bad_name": "The sender name is one line of up to 100 characters.",
		"bad_domain": "The DKIM domain is a domain name like example.pl.", "bad_selector": "The DKIM selector is letters, digits, hyphens and dots.",
		"bad_key": "The key could not be read: it must be an RSA (1024 bits or more) or Ed25519 private key in PEM.", "dkim_incomplete": "DKIM signing needs the domain, the selector and the key: all three, or none.",
		"dkim_unaligned": "The DKIM domain %s does not match the sender address's domain %s: receivers would not count such a signature (DMARC).",
		"bad_test_to":    "The recipient is one address like anna@example.pl.", "no_branch": "There is no such branch. Choose a branch from the list.",
	},
}
