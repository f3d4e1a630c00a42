package loanpdf

import (
	"fmt"

	"naryad/templates"
)

// Texts are the agreement's fixed words in one language.
type Texts struct {
	Title       string
	DocumentID  string
	Lender      string
	Borrower    string
	Name        string
	Address     string
	Phone       string
	Car         string
	Model       string
	Plate       string
	VIN         string
	Handover    string
	HandoverAt  string
	DueBackAt   string
	TimeZone    string
	Fuel        string
	Odometer    string
	Km          string
	Deposit     string
	DepositHeld string // "%s": the amount; a hold on the card
	DepositDesk string // "%s": the amount; paid at the service desk
	NoDeposit   string
	Terms       string
	Signature   string
	SignedBy    string
	Audit       string
	SignedAt    string
	IP          string
	UserAgent   string
	DigestNote  string
	Page        string // "Page %d of %s"
}

// normalizeLocale is the language the agreement is drawn in: ru, pl or en,
// the project's fallback for any other.
func normalizeLocale(locale string) string { return templates.NormalizeLocale(locale) }

// TextsFor gives the agreement's words in locale (ru, pl or en; the
// project's fallback language for any other): a function rather than a
// package-level map, so no caller can change them for everyone.
func TextsFor(locale string) Texts {
	switch normalizeLocale(locale) {
	case templates.LocalePL:
		return Texts{
			Title: "Umowa użyczenia samochodu zastępczego", DocumentID: "Identyfikator dokumentu",
			Lender: "Użyczający (serwis)", Borrower: "Biorący w użyczenie (klient)", Name: "Imię i nazwisko",
			Address: "Adres", Phone: "Telefon", Car: "Samochód", Model: "Model", Plate: "Nr rejestracyjny", VIN: "VIN",
			Handover: "Wydanie samochodu", HandoverAt: "Wydany", DueBackAt: "Zwrot do", TimeZone: "Strefa czasowa",
			Fuel: "Paliwo", Odometer: "Przebieg", Km: "km", Deposit: "Kaucja",
			DepositHeld: "%s — blokada na karcie, zwalniana przy zwrocie", NoDeposit: "bez kaucji",
			Terms: "Warunki", Signature: "Podpis", SignedBy: "Podpisał(a)", DepositDesk: "%s — wpłacana w recepcji serwisu (gotówką lub kartą w terminalu), zwracana przy zwrocie samochodu, pomniejszona o kwoty, które warunki pozwalają zatrzymać",
			Audit: "Dane podpisu", SignedAt: "Podpisano", IP: "Adres IP", UserAgent: "Przeglądarka",
			DigestNote: "Skrót SHA-256 tego pliku jest przechowywany wraz z umową.", Page: "Strona %d z %s",
		}
	case templates.LocaleEN:
		return Texts{
			Title: "Courtesy car agreement", DocumentID: "Document id",
			Lender: "Lender (service centre)", Borrower: "Borrower (customer)", Name: "Full name",
			Address: "Address", Phone: "Phone", Car: "Car", Model: "Model", Plate: "Plate", VIN: "VIN",
			Handover: "Handover", HandoverAt: "Handed over", DueBackAt: "Due back", TimeZone: "Time zone",
			Fuel: "Fuel", Odometer: "Odometer", Km: "km", Deposit: "Deposit",
			DepositHeld: "%s, held on the card and released at return", NoDeposit: "no deposit",
			Terms: "Terms", Signature: "Signature", SignedBy: "Signed by", DepositDesk: "%s, paid at the service desk (cash or the card terminal) and given back at return, less what the terms allow to keep",
			Audit: "Signing record", SignedAt: "Signed at", IP: "IP address", UserAgent: "Browser",
			DigestNote: "The SHA-256 of this file is stored with the agreement.", Page: "Page %d of %s",
		}
	}
	return Texts{
		Title: "Договор предоставления подменного автомобиля", DocumentID: "Идентификатор документа",
		Lender: "Сервисный центр", Borrower: "Клиент", Name: "ФИО",
		Address: "Адрес", Phone: "Телефон", Car: "Автомобиль", Model: "Модель", Plate: "Госномер", VIN: "VIN",
		Handover: "Передача автомобиля", HandoverAt: "Выдан", DueBackAt: "Вернуть до", TimeZone: "Часовой пояс",
		Fuel: "Топливо", Odometer: "Пробег", Km: "км", Deposit: "Залог",
		DepositHeld: "%s — блокировка на карте, снимается при возврате", NoDeposit: "без залога",
		Terms: "Условия", Signature: "Подпись", SignedBy: "Подписал(а)", DepositDesk: "%s — вносится на стойке сервиса (наличными или картой через терминал), возвращается при возврате автомобиля за вычетом сумм, которые условия позволяют удержать",
		Audit: "Сведения о подписании", SignedAt: "Подписано", IP: "IP-адрес", UserAgent: "Браузер",
		DigestNote: "SHA-256 этого файла хранится вместе с договором.", Page: "Страница %d из %s",
	}
}

// DepositText is the deposit clause in locale: none, held on the card, or
// paid at the service desk. The PDF and the signing page print the same.
func DepositText(d *Deposit, locale string) string {
	t := TextsFor(locale)
	switch {
	case d == nil:
		return t.NoDeposit
	case d.AtDesk:
		return fmt.Sprintf(t.DepositDesk, templates.MoneyText(normalizeLocale(locale), d.Minor, d.Currency))
	}
	return fmt.Sprintf(t.DepositHeld, templates.MoneyText(normalizeLocale(locale), d.Minor, d.Currency))
}

// DefaultTerms are the terms printed when the branch has none of its own,
// in locale (ru, pl or en; the fallback language for any other).
func DefaultTerms(locale string) string {
	switch normalizeLocale(locale) {
	case templates.LocalePL:
		return `1. Serwis użycza klientowi samochód zastępczy nieodpłatnie na czas naprawy jego pojazdu.
2. Klient zwraca samochód w terminie podanym powyżej, z tą samą ilością paliwa, czysty i bez nowych uszkodzeń.
3. Samochodem może kierować wyłącznie klient, posiadający ważne prawo jazdy.
4. Klient odpowiada za mandaty, opłaty parkingowe i drogowe powstałe w czasie użyczenia.
5. Każdą szkodę, wypadek lub kradzież klient niezwłocznie zgłasza serwisowi i policji.
6. Zabrania się palenia, przewozu zwierząt bez transportera oraz wyjazdu za granicę bez zgody serwisu.
7. Brakujące paliwo, szkody nieobjęte ubezpieczeniem i opóźniony zwrot mogą zostać pokryte z kaucji.`
	case templates.LocaleEN:
		return `1. The service centre lends the customer a courtesy car free of charge while their own car is repaired.
2. The customer returns the car by the time shown above, with the same fuel, clean and without new damage.
3. Only the customer, holding a valid driving licence, may drive the car.
4. The customer pays any fines, parking and road charges incurred during the loan.
5. The customer reports any damage, accident or theft to the service centre and the police at once.
6. No smoking, no animals outside a carrier, and no driving abroad without the service centre's consent.
7. Missing fuel, damage not covered by insurance and a late return may be charged to the deposit.`
	}
	return `1. Сервисный центр бесплатно предоставляет клиенту подменный автомобиль на время ремонта его автомобиля.
2. Клиент возвращает автомобиль к указанному выше сроку с тем же уровнем топлива, чистым и без новых повреждений.
3. Управлять автомобилем может только клиент, имеющий действующее водительское удостоверение.
4. Штрафы, оплата парковок и платных дорог за время пользования — за счёт клиента.
5. О любом повреждении, ДТП или угоне клиент сразу сообщает в сервисный центр и в полицию.
6. Запрещено курить, перевозить животных без переноски и выезжать за границу без согласия сервисного центра.
7. Недостающее топливо, ущерб, не покрытый страховкой, и просрочка возврата могут быть удержаны из залога.`
}

// termsFor is the terms text printed: the branch's own, else the default.
func termsFor(a Agreement, locale string) string {
	if a.Terms != "" {
		return a.Terms
	}
	return DefaultTerms(locale)
}
