package demo

import (
	"encoding/json"
	"strings"
)

// The demo's work orders as 1C pushes them, with its habits: numbers as
// strings with decimal commas, "Да" for yes, phones as people type them,
// local times without an offset. Placeholders in braces are filled per run.

// order101 is АА-000101 whole, as the DMS sends it when the order opens.
const order101 = `{"id":"{id}","type":"work_order","occurred_at":"{at}","work_order":{"number":"АА-000101","version":{version},"branch":"DEMO","status":"{status}",
  "customer":{"external_id":"C-1","name":"Иван Петров","phones":["8 (916) 123-45-67"],"locale":"ru"},
  "vehicle":{"external_id":"V-1","vin":"XW8ZZZ1ZZKG000001","plate":"А123ВС77","make":"Škoda","model":"Octavia","year":"2019","mileage_km":"95 000"},
  "advisor":{"external_id":"E-7","name":"Ольга Смирнова"},"promised_at":"{promised}","currency":"RUB","paid":false,
  "lines":[{"id":"1","kind":"работа","name":"Замена масла","qty":"1","unit_price":"1 500,00","total":"1 500,00"},
           {"id":"2","kind":"товар","name":"Масло 5W-30, 4 л","qty":1,"unit_price":"4 200,00"},
           {"id":"3","kind":"part","name":"Передние тормозные колодки","qty":1,"unit_price":"6 800,00","needs_approval":true},
           {"id":"4","kind":"labor","name":"Замена колодок","qty":"1,5","unit_price":"1 200,00","needs_approval":"true"}]}}`

const order102 = `{"id":"demo-2","type":"work_order","occurred_at":"{at}","work_order":{"number":"АА-000102","version":3,"branch":"DEMO","status":"Ожидаем запчасть",
  "customer":{"external_id":"C-2","name":"ООО «Вектор»","phones":["+7 903 765-43-21"]},
  "vehicle":{"external_id":"V-2","vin":"WVWZZZ1KZ8W000002","plate":"М456ОР99","make":"Volkswagen","model":"Tiguan","year":2021,"mileage_km":41200},
  "currency":"RUB","lines":[{"id":"1","kind":"labor","name":"Диагностика подвески","qty":1,"unit_price":2500}]}}`

// order103 is at the Warsaw branch, with a Polish customer: her messages
// are Polish from the branch's name to the money.
const order103 = `{"id":"demo-3","type":"work_order","occurred_at":"{at}","work_order":{"number":"WA-000103","version":7,"branch":"DEMO-PL","status":"Готов","paid":"Да",
  "customer":{"external_id":"C-3","name":"Anna Kowalska","phones":["+48 601 234 567"],"locale":"pl"},
  "vehicle":{"external_id":"V-3","plate":"WX12345","make":"Toyota","model":"Corolla","year":2018,"mileage_km":120500},
  "currency":"PLN","lines":[{"id":"1","kind":"labor","name":"Przegląd okresowy","qty":1,"unit_price":"850,00"}]}}`

const advisorMessage = `{"id":"demo-4","type":"message","occurred_at":"{at}","message":{"work_order_number":"АА-000101","text":"Нашли износ тормозных колодок, отправили смету на согласование.","author":"Ольга Смирнова"}}`

// sampleEvents are three work orders at different stages and an advisor's
// message, at the times of their branches (ru: Moscow, pl: Warsaw).
func sampleEvents(ru, pl branchTimes) []json.RawMessage {
	raw := []string{
		fill(order101, "{id}", "demo-1", "{at}", ru.received, "{version}", "1", "{status}", "В работе", "{promised}", ru.promised),
		fill(order102, "{at}", ru.received),
		fill(order103, "{at}", pl.received),
		fill(advisorMessage, "{at}", ru.received),
	}
	out := make([]json.RawMessage, len(raw))
	for i, r := range raw {
		out[i] = json.RawMessage(r)
	}
	return out
}

// statusExample is the guide's batch: АА-000101 ready, sent as a status
// change with a higher version and nothing else; what the event leaves out
// (customer, vehicle, lines awaiting a decision) stays as stored.
func statusExample(ru branchTimes) string {
	return fill(`{"events":[{"id":"try-1","type":"work_order","occurred_at":"{at}","work_order":{"number":"АА-000101","version":2,"branch":"DEMO","status":"Готов"}}]}`,
		"{at}", ru.now)
}

func fill(text string, pairs ...string) string {
	return strings.NewReplacer(pairs...).Replace(text)
}
