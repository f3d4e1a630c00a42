package account

// commonTexts are the words of the layout every account page shares.
func commonTexts() map[string]map[string]string {
	return map[string]map[string]string{
		"ru": {
			"brand": "Личный кабинет", "nav_garage": "Мои автомобили", "nav_bookings": "Записи", "nav_book": "Записаться",
			"nav_branches": "Сервисы", "nav_privacy": "Согласия и данные", "sign_out": "Выйти",
			"signed_out": "Вы вышли из кабинета. Войдите снова.", "csrf": "Страница устарела. Обновите её и повторите.",
		},
		"pl": {
			"brand": "Moje konto", "nav_garage": "Moje samochody", "nav_bookings": "Wizyty", "nav_book": "Umów wizytę",
			"nav_branches": "Serwisy", "nav_privacy": "Zgody i dane", "sign_out": "Wyloguj",
			"signed_out": "Wylogowano. Zaloguj się ponownie.", "csrf": "Strona jest nieaktualna. Odśwież ją i spróbuj ponownie.",
		},
		"en": {
			"brand": "My account", "nav_garage": "My cars", "nav_bookings": "Bookings", "nav_book": "Book a visit",
			"nav_branches": "Service centres", "nav_privacy": "Consent and data", "sign_out": "Sign out",
			"signed_out": "You are signed out. Please sign in again.", "csrf": "This page is out of date. Reload it and try again.",
		},
	}
}
