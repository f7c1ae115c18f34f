package billtap_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	billtap "github.com/billtap/billtap/bindings/go"
)

// LoadPlugin, UnregisterProvider and Describe against the C suite's test
// plugins (tests/plugins: "testplug", a provider of customers, and one
// variant per broken rule), and the settings check NewClient makes.

func testPlugin(t *testing.T, variant string) string {
	t.Helper()
	dir := os.Getenv("BILLTAP_TEST_PLUGINS")
	if dir == "" {
		so, err := buildTool("", "tests/plugins/testplug_"+variant+".so")
		if err != nil {
			t.Fatalf("BILLTAP_TEST_PLUGINS is not set, and: %v", err)
		}
		return so
	}
	return filepath.Join(dir, "testplug_"+variant+".so")
}

func hasProvider(name string) bool {
	for _, p := range billtap.Providers() {
		if p == name {
			return true
		}
	}
	return false
}

// withTestplug loads the working test plugin and unregisters it afterwards.
func withTestplug(t *testing.T) string {
	t.Helper()
	name, err := billtap.LoadPlugin(testPlugin(t, "ok"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if hasProvider("testplug") {
			if err := billtap.UnregisterProvider("testplug"); err != nil {
				t.Error(err)
			}
		}
	})
	return name
}

func TestLoadPlugin(t *testing.T) {
	name := withTestplug(t)
	if name != "testplug" || !hasProvider("testplug") {
		t.Fatalf("LoadPlugin = %q; providers %v", name, billtap.Providers())
	}
	_, err := billtap.LoadPlugin(testPlugin(t, "ok"))
	if !errors.Is(err, billtap.ErrPlugin) ||
		!strings.Contains(err.Error(), "a provider named testplug is already registered") {
		t.Errorf("loading twice: %v", err)
	}
}

func TestLoadPluginErrors(t *testing.T) {
	for _, tc := range []struct {
		variant string
		code    billtap.Code
		text    string
	}{
		{"missing", billtap.CodePlugin, "No such file or directory"},
		{"no_export", billtap.CodePlugin, "exports no billtap_plugin_init function"},
		{"needs_newer", billtap.CodeVersion, "needs a newer billtap"},
		{"settings_newer", billtap.CodeVersion, "setting definitions of version 2"},
		{"stripe", billtap.CodePlugin, "a provider named stripe is already registered"},
		{"fails", billtap.CodePlugin, "billtap_plugin_init failed: out of memory"},
	} {
		t.Run(tc.variant, func(t *testing.T) {
			path := testPlugin(t, tc.variant)
			name, err := billtap.LoadPlugin(path)
			var be *billtap.Error
			if name != "" || !errors.As(err, &be) || be.Code != tc.code || !errors.Is(err, billtap.ErrPlugin) {
				t.Fatalf("LoadPlugin = %q, %#v", name, err)
			}
			if !strings.Contains(be.Message, path) || !strings.Contains(be.Message, tc.text) {
				t.Errorf("message %q lacks the file or %q", be.Message, tc.text)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	withTestplug(t)
	info, err := billtap.Describe("testplug")
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "testplug" || info.DisplayName != "Test Plug" ||
		!reflect.DeepEqual(info.Resources, []billtap.Resource{billtap.ResourceCustomers}) ||
		len(info.SinceResources) != 0 {
		t.Errorf("Describe = %+v", info)
	}
	// Its own settings first, as tests/plugins/test_plugin.c defines them.
	want := []billtap.SettingInfo{
		{Name: "api_key", Type: billtap.SettingString, Required: true, Secret: true,
			Description: "the account's API key"},
		{Name: "base_url", Type: billtap.SettingURL, Default: "https://api.testplug.invalid",
			HasDefault: true, Description: "API origin"},
		{Name: "page_size", Type: billtap.SettingInt, Default: "2", HasDefault: true, Min: 1, Max: 50,
			Description: "customers per request"},
		{Name: "archived", Type: billtap.SettingBool, Default: "false", HasDefault: true},
	}
	if len(info.Settings) <= len(want) || !reflect.DeepEqual(info.Settings[:len(want)], want) {
		t.Fatalf("settings = %+v", info.Settings)
	}
	// Then the engine's, the same for every provider.
	stripe, err := billtap.Describe("stripe")
	if err != nil {
		t.Fatal(err)
	}
	var stripeEngine []billtap.SettingInfo
	for _, s := range stripe.Settings {
		if s.Engine {
			stripeEngine = append(stripeEngine, s)
		}
	}
	engine := info.Settings[len(want):]
	if !reflect.DeepEqual(engine, stripeEngine) {
		t.Errorf("engine settings %+v, stripe's %+v", engine, stripeEngine)
	}
	if s, ok := info.Setting("timeout_ms"); !ok || s.Type != billtap.SettingInt || s.Min != 1 ||
		s.Max != 86400000 || s.Default != "300000" || !s.Engine {
		t.Errorf("timeout_ms = %+v", s)
	}
	if key, ok := stripe.Setting("api_key"); !ok || !key.Required || !key.Secret || key.Engine {
		t.Errorf("stripe api_key = %+v", key)
	}
	if _, err := billtap.Describe("nope"); !errors.Is(err, billtap.ErrUnknownProvider) ||
		!strings.Contains(err.Error(), "nope") || !strings.Contains(err.Error(), "stripe") {
		t.Errorf("Describe(nope) = %v", err)
	}
}

func TestUnregisterProvider(t *testing.T) {
	withTestplug(t)
	c, err := billtap.NewClient("testplug", billtap.Settings{"api_key": "tp_key"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := billtap.UnregisterProvider("testplug"); err != nil {
		t.Fatal(err)
	}
	if hasProvider("testplug") {
		t.Error("still listed after UnregisterProvider")
	}
	if _, err := billtap.NewClient("testplug", nil); !errors.Is(err, billtap.ErrUnknownProvider) {
		t.Errorf("NewClient after unregister: %v", err)
	}
	// The client made before keeps working.
	if err := c.Set("page_size", "7"); err != nil || c.Provider() != "testplug" {
		t.Errorf("Set on a client of an unregistered provider: %v", err)
	}
	if err := billtap.UnregisterProvider("testplug"); !errors.Is(err, billtap.ErrUnknownProvider) {
		t.Errorf("second UnregisterProvider = %v", err)
	}
}

func TestSettingsCheckedAgainstDescribe(t *testing.T) {
	withTestplug(t)
	info, err := billtap.Describe("testplug")
	if err != nil {
		t.Fatal(err)
	}
	var known []string
	for _, s := range info.Settings {
		known = append(known, s.Name)
	}
	for _, tc := range []struct {
		settings billtap.Settings
		key      string
		unknown  bool
		message  string
	}{
		{billtap.Settings{"api_key": "k", "colour": "blue"}, "colour", true,
			"testplug: unknown setting 'colour' (known: " + strings.Join(known, ", ") + ")"},
		{billtap.Settings{"page_size": "2.5"}, "page_size", false,
			`testplug: setting page_size: wants an integer, not "2.5"`},
		{billtap.Settings{"page_size": "51"}, "page_size", false,
			"testplug: setting page_size: 51 is out of range 1..50"},
		{billtap.Settings{"archived": "yes"}, "archived", false,
			`testplug: setting archived: wants true, false, 1 or 0, not "yes"`},
	} {
		c, err := billtap.NewClient("testplug", tc.settings)
		var se *billtap.SettingError
		var be *billtap.Error
		if c != nil || !errors.As(err, &se) || !errors.As(err, &be) || !errors.Is(err, billtap.ErrSetting) {
			t.Fatalf("NewClient(%v) = %v, %#v", tc.settings, c, err)
		}
		if se.Key != tc.key || se.Provider != "testplug" || errors.Is(err, billtap.ErrUnknownSetting) != tc.unknown ||
			be.Message != tc.message {
			t.Errorf("NewClient(%v): %+v, message %q", tc.settings, se, be.Message)
		}
		if tc.unknown && !reflect.DeepEqual(se.Known, known) {
			t.Errorf("Known = %v, want %v", se.Known, known)
		}
	}
	c, err := billtap.NewClient("testplug", billtap.Settings{"api_key": "k", "page_size": "50", "archived": "true"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var se *billtap.SettingError
	if err := c.Set("page_size", "0"); !errors.As(err, &se) || se.Key != "page_size" {
		t.Errorf("Set(page_size, 0) = %v", err)
	}
	// A URL is the library's to judge: still an ErrSetting, from C.
	if err := c.Set("base_url", "ftp://x"); !errors.Is(err, billtap.ErrSetting) || errors.As(err, &se) {
		t.Errorf("Set(base_url, ftp://x) = %#v", err)
	}
	if err := c.Set("archived", "0"); err != nil {
		t.Error(err)
	}
}
