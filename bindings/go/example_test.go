package billtap_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strings"

	billtap "github.com/billtap/billtap/bindings/go"
)

// These run in go test against the sandbox (TestMain sets STRIPE_API_KEY
// and STRIPE_BASE_URL), so the documentation's examples are known to work.

func ExampleClient_Customers() {
	client, err := billtap.NewClient("stripe", billtap.Settings{
		"api_key":  os.Getenv("STRIPE_API_KEY"),
		"base_url": os.Getenv("STRIPE_BASE_URL"), // omit for api.stripe.com
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	it := client.Customers(context.Background(), nil)
	defer it.Close()
	n := 0
	for it.Next() {
		c := it.Customer()
		if !strings.HasPrefix(c.ID, "cus_") || c.CreatedAt.IsZero() {
			log.Fatalf("odd customer %v", c)
		}
		n++
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("listed every customer:", n > 0)
	// Output: listed every customer: true
}

func ExampleClient_Invoices() {
	client, err := billtap.NewClient("stripe", billtap.Settings{
		"api_key": os.Getenv("STRIPE_API_KEY"), "base_url": os.Getenv("STRIPE_BASE_URL")})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	// Totals of the paid invoices, per currency, exactly.
	paid := map[string]billtap.Money{}
	it := client.Invoices(context.Background(), nil)
	defer it.Close()
	for it.Next() {
		inv := it.Invoice()
		switch inv.Status {
		case billtap.InvoicePaid:
			t := paid[inv.Total.Currency]
			t.Currency, t.Exponent = inv.Total.Currency, inv.Total.Exponent
			t.Amount += inv.Total.Amount
			paid[inv.Total.Currency] = t
		case billtap.InvoiceDraft, billtap.InvoiceOpen, billtap.InvoiceVoid, billtap.InvoiceUncollectible:
		default: // InvoiceOther, or a word a newer library added
		}
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("currencies with paid invoices:", len(paid) > 0)
	// Output: currencies with paid invoices: true
}

func ExampleIterator_Checkpoint() {
	client, err := billtap.NewClient("stripe", billtap.Settings{
		"api_key": os.Getenv("STRIPE_API_KEY"), "base_url": os.Getenv("STRIPE_BASE_URL")})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	// Read three plans, keep the checkpoint (a file, a database row), then
	// resume from it later, in this process or another.
	first := client.Plans(ctx, nil)
	for i := 0; i < 3 && first.Next(); i++ {
	}
	token, err := first.Checkpoint()
	if err != nil {
		log.Fatal(err)
	}
	first.Close()

	rest := client.Plans(ctx, &billtap.ListOptions{Checkpoint: token})
	defer rest.Close()
	n := 0
	for rest.Next() {
		n++
	}
	all := client.Plans(ctx, nil)
	defer all.Close()
	total := 0
	for all.Next() {
		total++
	}
	fmt.Println("resumed after 3:", n == total-3, rest.Err())
	// Output: resumed after 3: true <nil>
}

func ExampleMoney() {
	m := billtap.Money{Amount: 1999, Currency: "USD", Exponent: 2}
	fmt.Println(m)
	fmt.Println(m.Decimal(), m.Rat())
	b, _ := json.Marshal(m)
	fmt.Println(string(b))
	// PayPal gives TWD no decimal places: 100 TWD is 100 minor units.
	fmt.Println(billtap.Money{Amount: 100, Currency: "TWD", Exponent: 0}.Decimal())
	// Output:
	// 19.99 USD
	// 19.99 1999/100
	// {"amount":1999,"currency":"USD","currency_exponent":2}
	// 100
}

func ExampleUnmarshalRecord() {
	// A line of `billtap extract --resource transactions`.
	line := `{"object":"transaction","id":"ch_1","customer_id":"cus_1","subscription_id":null,` +
		`"invoice_id":null,"kind":"payment","result":"succeeded","provider_status":"succeeded",` +
		`"amount":2500,"currency":"EUR","currency_exponent":2,"captured_amount":2500,` +
		`"refunded_amount":500,"fee_amount":61,"net_amount":2439,"parent_id":null,` +
		`"occurred_at":"2025-06-01T09:30:00Z"}`
	rec, err := billtap.UnmarshalRecord([]byte(line))
	if err != nil {
		log.Fatal(err)
	}
	t := rec.(billtap.Transaction)
	fmt.Println(t.Kind == billtap.TransactionPayment, t.Result, t.Amount, t.RefundedAmount)
	fmt.Println("fee", t.FeeAmount, "net", t.NetAmount)
	fmt.Println(t.OccurredAt.Format("2006-01-02 15:04"), string(t.JSON()) == line)
	// Output:
	// true succeeded 25.00 EUR 5.00 EUR
	// fee 0.61 EUR net 24.39 EUR
	// 2025-06-01 09:30 true
}
