// Command ledgerly-extract-go loads a provider plugin from Go and prints one
// resource as JSON lines:
//
//	go run . PLUGIN.so RESOURCE [KEY=VALUE]... [-stop-after N -checkpoint FILE] [-resume FILE]
//
// KEY=VALUE are the provider's settings (api_key=..., base_url=...).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	billtap "github.com/billtap/billtap/bindings/go"
)

func main() {
	stopAfter := flag.Int("stop-after", -1, "stop after N records and write the checkpoint")
	checkpointFile := flag.String("checkpoint", "", "where -stop-after writes the checkpoint")
	resume := flag.String("resume", "", "a checkpoint file to resume from")
	flag.Parse()
	if flag.NArg() < 2 {
		fmt.Fprintln(os.Stderr, "usage: ledgerly-extract-go [flags] PLUGIN.so RESOURCE [KEY=VALUE]...")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), flag.Args()[2:], *stopAfter, *checkpointFile, *resume); err != nil {
		fmt.Fprintln(os.Stderr, "ledgerly-extract-go:", err)
		os.Exit(1)
	}
}

func run(plugin, resource string, args []string, stopAfter int, checkpointFile, resume string) error {
	provider, err := billtap.LoadPlugin(plugin)
	if err != nil {
		return err
	}
	// The resource by name, among those the provider says it lists.
	info, err := billtap.Describe(provider)
	if err != nil {
		return err
	}
	var res billtap.Resource
	for _, r := range info.Resources {
		if r.String() == resource {
			res = r
		}
	}
	if res == 0 {
		return fmt.Errorf("%s does not list %s", provider, resource)
	}
	settings := billtap.Settings{}
	for _, kv := range args {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("%q is not KEY=VALUE", kv)
		}
		settings[k] = v
	}
	opts := &billtap.ListOptions{}
	if resume != "" {
		token, err := os.ReadFile(resume)
		if err != nil {
			return err
		}
		opts.Checkpoint = strings.TrimSpace(string(token))
	}
	client, err := billtap.NewClient(provider, settings)
	if err != nil {
		return err
	}
	defer client.Close()
	it := client.Iterate(context.Background(), res, opts)
	defer it.Close()
	for n := 0; (stopAfter < 0 || n < stopAfter) && it.Next(); n++ {
		fmt.Printf("%s\n", it.Record().JSON())
	}
	if err := it.Err(); err != nil {
		return err
	}
	if checkpointFile != "" {
		token, err := it.Checkpoint()
		if err != nil {
			return err
		}
		return os.WriteFile(checkpointFile, []byte(token+"\n"), 0o644)
	}
	return nil
}
