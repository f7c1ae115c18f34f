// Command example lists the customers of a Stripe account with the billtap
// Go binding. It reads BILLTAP_STRIPE_API_KEY and, optionally,
// BILLTAP_STRIPE_BASE_URL (the sandbox's URL, say). Ctrl-C cancels.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	billtap "github.com/billtap/billtap/bindings/go"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		var be *billtap.Error
		if errors.As(err, &be) && be.RequestID != "" {
			fmt.Fprintln(os.Stderr, "request id:", be.RequestID)
		}
		os.Exit(1)
	}
}

func run() error {
	settings := billtap.Settings{"api_key": os.Getenv("BILLTAP_STRIPE_API_KEY")}
	if u := os.Getenv("BILLTAP_STRIPE_BASE_URL"); u != "" {
		settings["base_url"] = u
	}
	client, err := billtap.NewClient("stripe", settings)
	if err != nil {
		return err
	}
	defer client.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	it := client.Customers(ctx, nil)
	defer it.Close()
	n := 0
	for it.Next() {
		c := it.Customer()
		email := "-"
		if c.Email != nil {
			email = *c.Email
		}
		fmt.Printf("%s  %s  %s\n", c.ID, c.CreatedAt.Format("2006-01-02"), email)
		n++
	}
	if err := it.Err(); err != nil {
		return err
	}
	st := it.Stats()
	fmt.Printf("%d customers, %d requests, %d retries\n", n, st.Requests, st.Retries)
	return nil
}
