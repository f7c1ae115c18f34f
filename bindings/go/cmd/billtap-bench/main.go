// Command billtap-bench reads one resource through the Go binding, each record
// decoded into its Go value as an application would see it, and prints how many
// came (bench/run's Go row).
//
//	billtap-bench PROVIDER RESOURCE SETTINGS_FILE
//
// SETTINGS_FILE holds KEY=VALUE lines (the sandbox's settings line). On the
// first error it prints how many records came before it and exits 1.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	billtap "github.com/billtap/billtap/bindings/go"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: billtap-bench PROVIDER RESOURCE SETTINGS_FILE")
		os.Exit(2)
	}
	n, err := run(os.Args[1], os.Args[2], os.Args[3])
	fmt.Println(n)
	if err != nil {
		fmt.Fprintf(os.Stderr, "billtap-go: after %d records: %v\n", n, err)
		os.Exit(1)
	}
}

func run(provider, resource, path string) (int, error) {
	settings, err := readSettings(path)
	if err != nil {
		return 0, err
	}
	res, err := resourceNamed(resource)
	if err != nil {
		return 0, err
	}
	client, err := billtap.NewClient(provider, settings)
	if err != nil {
		return 0, err
	}
	defer client.Close()
	it := client.Iterate(context.Background(), res, nil)
	defer it.Close()
	n := 0
	for it.Next() {
		_ = it.Record()
		n++
	}
	return n, it.Err()
}

func readSettings(path string) (billtap.Settings, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	settings := billtap.Settings{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if key, value, ok := strings.Cut(sc.Text(), "="); ok {
			settings[key] = value
		}
	}
	return settings, sc.Err()
}

func resourceNamed(name string) (billtap.Resource, error) {
	for _, r := range []billtap.Resource{billtap.ResourceCustomers, billtap.ResourcePlans,
		billtap.ResourceSubscriptions, billtap.ResourceTransactions, billtap.ResourceInvoices} {
		if r.String() == name {
			return r, nil
		}
	}
	return 0, fmt.Errorf("no resource named %q", name)
}
