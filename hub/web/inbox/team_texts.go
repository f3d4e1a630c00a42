package inbox

// teamTexts are the words of the team page (/inbox/team) and of the
// thread page's assignment line, in ru, pl and en.
var teamTexts = map[string]map[string]string{
	"ru": {
		"team": "Команда", "advisor": "Сотрудник", "on_shift": "На смене", "off_shift": "Не на смене",
		"capacity": "Лимит диалогов", "no_limit": "без лимита", "load": "Открытых диалогов", "full": "лимит исчерпан",
		"start_shift": "Начать смену", "end_shift": "Закончить смену", "observer": "наблюдает за всеми новыми",
		"mode": "Распределение", "m_round_robin": "по очереди", "m_least_loaded": "наименее загруженному",
		"recent": "Последние назначения", "when": "Когда", "thread": "Диалог", "from": "Было", "to": "Стало", "why": "Причина", "by": "Кто",
		"nobody": "никто", "naryad": "автоматически", "no_recent": "Назначений ещё не было.", "no_team": "В филиале нет мастеров-приёмщиков.",
		"r_dms_advisor": "мастер из учётной системы", "r_round_robin": "по очереди", "r_least_loaded": "наименее загруженному",
		"r_off_shift": "ушёл со смены", "r_manual": "вручную",
		"moved": "Смена закончена; передано диалогов с неотвеченными сообщениями: %s.", "started": "Смена начата.",
		"err_forbidden": "Менять смену другого сотрудника может только администратор.", "err_bad_user": "Такого сотрудника в филиале нет.",
		"err_form":        "Форма заполнена неверно; ничего не изменено.",
		"last_assignment": "Назначен %s: %s", "observers": "Наблюдают", "follow": "Следить", "unfollow": "Не следить",
	},
	"pl": {
		"team": "Zespół", "advisor": "Pracownik", "on_shift": "Na zmianie", "off_shift": "Poza zmianą",
		"capacity": "Limit rozmów", "no_limit": "bez limitu", "load": "Otwarte rozmowy", "full": "limit wyczerpany",
		"start_shift": "Rozpocznij zmianę", "end_shift": "Zakończ zmianę", "observer": "obserwuje wszystkie nowe",
		"mode": "Przydział", "m_round_robin": "po kolei", "m_least_loaded": "najmniej obciążonemu",
		"recent": "Ostatnie przydziały", "when": "Kiedy", "thread": "Rozmowa", "from": "Było", "to": "Jest", "why": "Powód", "by": "Kto",
		"nobody": "nikt", "naryad": "automatycznie", "no_recent": "Nie było jeszcze przydziałów.", "no_team": "W oddziale nie ma doradców.",
		"r_dms_advisor": "doradca z systemu DMS", "r_round_robin": "po kolei", "r_least_loaded": "najmniej obciążonemu",
		"r_off_shift": "zakończył zmianę", "r_manual": "ręcznie",
		"moved": "Zmiana zakończona; przekazano rozmów z nieodpowiedzianymi wiadomościami: %s.", "started": "Zmiana rozpoczęta.",
		"err_forbidden": "Zmianę innego pracownika może zmienić tylko administrator.", "err_bad_user": "Nie ma takiego pracownika w oddziale.",
		"err_form":        "Formularz jest wypełniony błędnie; nic nie zmieniono.",
		"last_assignment": "Przypisano %s: %s", "observers": "Obserwują", "follow": "Obserwuj", "unfollow": "Przestań obserwować",
	},
	"en": {
		"team": "Team", "advisor": "Staff member", "on_shift": "On shift", "off_shift": "Off shift",
		"capacity": "Thread limit", "no_limit": "no limit", "load": "Open threads", "full": "limit reached",
		"start_shift": "Start shift", "end_shift": "End shift", "observer": "follows every new thread",
		"mode": "Assignment", "m_round_robin": "round robin", "m_least_loaded": "least loaded",
		"recent": "Latest assignments", "when": "When", "thread": "Thread", "from": "From", "to": "To", "why": "Reason", "by": "By",
		"nobody": "nobody", "naryad": "automatic", "no_recent": "No assignments yet.", "no_team": "The branch has no advisors.",
		"r_dms_advisor": "advisor in the DMS", "r_round_robin": "round robin", "r_least_loaded": "least loaded",
		"r_off_shift": "went off shift", "r_manual": "by hand",
		"moved": "Shift ended; threads with unanswered messages handed on: %s.", "started": "Shift started.",
		"err_forbidden": "Only an admin may change another person's shift.", "err_bad_user": "No such staff member at the branch.",
		"err_form":        "The form is filled in wrongly; nothing was changed.",
		"last_assignment": "Assigned %s: %s", "observers": "Following", "follow": "Follow", "unfollow": "Unfollow",
	},
}
