package billtap

// #include <stdlib.h>
// #include <billtap.h>
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// CodePlugin is BILLTAP_EPLUGIN: a plugin cannot be loaded.
const CodePlugin Code = -23

// ErrPlugin matches failures to load a plugin: CodePlugin (no such file, no
// entry point, an invalid provider, its name taken) and CodeVersion (a plugin
// that needs a newer library).
var ErrPlugin = newKind("plugin cannot be loaded", CodePlugin, CodeVersion)

// LoadPlugin loads a provider plugin (a shared object exporting
// billtap_plugin_init, see docs/providers.md) and registers its provider. It
// returns the provider's name, for NewClient. On failure the *Error's Message
// is the library's: it names the file and what went wrong.
func LoadPlugin(path string) (string, error) {
	if err := initLibrary(); err != nil {
		return "", err
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	const errSize = 1024
	cerr := (*C.char)(C.malloc(errSize))
	defer C.free(unsafe.Pointer(cerr))
	*cerr = 0
	var name *C.char
	if rc := C.billtap_provider_load(&name, cpath, cerr, errSize); rc < 0 {
		msg := C.GoString(cerr)
		if msg == "" {
			msg = fmt.Sprintf("plugin %s: %s", path, Code(rc))
		}
		return "", &Error{Code: Code(rc), Message: msg}
	}
	return C.GoString(name), nil
}

// UnregisterProvider removes a provider from the registry: NewClient no
// longer finds it, while clients already made keep working (a plugin is
// unloaded once the last of them is closed). It fails with
// ErrUnknownProvider for a name that is not registered.
func UnregisterProvider(name string) error {
	if err := initLibrary(); err != nil {
		return err
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	if rc := C.billtap_provider_unregister(cname); rc < 0 {
		return unknownProvider(name, Code(rc))
	}
	return nil
}

// SettingType is how a setting's text is read.
type SettingType int

// The setting types.
const (
	SettingString SettingType = iota // free text
	SettingInt                       // a decimal integer within [Min, Max]
	SettingBool                      // "true", "false", "1" or "0"
	SettingURL                       // an absolute http(s) URL
)

func (t SettingType) String() string {
	switch t {
	case SettingInt:
		return "int"
	case SettingBool:
		return "bool"
	case SettingURL:
		return "url"
	}
	return "string"
}

// SettingInfo describes one setting a provider (or the engine) accepts.
type SettingInfo struct {
	Name     string
	Type     SettingType
	Required bool // iterators fail with ErrSetting while it is unset
	Secret   bool // never shown in messages
	Engine   bool // the engine's own, the same for every provider
	// Default is the value used while the setting is unset; HasDefault is
	// false when there is none.
	Default    string
	HasDefault bool
	Min, Max   int64 // bounds of a SettingInt
	// Description is one line, or "".
	Description string
}

// SyncMethod is how a provider finds what changed for an incremental pass.
type SyncMethod int

const (
	SyncNone    SyncMethod = 0 // no incremental passes
	SyncFeed    SyncMethod = 1 // the service's change feed, deletions included
	SyncUpdated SyncMethod = 2 // records re-read by update times or an updated-at filter
	SyncReread  SyncMethod = 3 // every record re-read each pass, no deletions
)

// ProviderInfo describes a registered provider (see Describe).
type ProviderInfo struct {
	Name           string
	DisplayName    string     // "Stripe"
	Resources      []Resource // what it lists
	SinceResources []Resource // those that honour ListOptions.Since
	// Sync says how each resource finds changes for ListOptions.Incremental
	// (SyncNone: no incremental passes); docs/incremental.md.
	Sync map[Resource]SyncMethod
	// Settings are the provider's own, then the engine's (Engine set).
	Settings []SettingInfo
}

// Setting returns the setting called name.
func (p ProviderInfo) Setting(name string) (SettingInfo, bool) {
	for _, s := range p.Settings {
		if s.Name == name {
			return s, true
		}
	}
	return SettingInfo{}, false
}

// Describe returns what a registered provider offers: display name,
// resources, the resources that honour Since, and every setting. It fails
// with ErrUnknownProvider for a name that is not registered.
func Describe(name string) (ProviderInfo, error) {
	if err := initLibrary(); err != nil {
		return ProviderInfo{}, err
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var display *C.char
	var resources, since C.uint64_t
	if rc := C.billtap_provider_describe(&display, &resources, &since, cname); rc < 0 {
		return ProviderInfo{}, unknownProvider(name, Code(rc))
	}
	info := ProviderInfo{
		Name:           name,
		DisplayName:    C.GoString(display),
		Resources:      resourcesIn(uint64(resources)),
		SinceResources: resourcesIn(uint64(since)),
		Sync:           map[Resource]SyncMethod{},
	}
	for _, r := range info.Resources {
		var m C.billtap_sync_method
		if C.billtap_provider_sync_method(&m, cname, C.billtap_resource(r)) == 0 {
			info.Sync[r] = SyncMethod(m)
		}
	}
	for i := 0; ; i++ {
		var sname, def, description *C.char
		var flags C.uint
		var min, max C.int64_t
		if C.billtap_provider_setting(&sname, &flags, &def, &min, &max, &description, cname,
			C.size_t(i)) != 0 {
			break
		}
		info.Settings = append(info.Settings, settingInfo(sname, def, description, uint(flags),
			int64(min), int64(max)))
	}
	return info, nil
}

func settingInfo(name, def, description *C.char, flags uint, min, max int64) SettingInfo {
	si := SettingInfo{
		Name:     C.GoString(name),
		Required: flags&C.BILLTAP_SETTING_REQUIRED != 0,
		Secret:   flags&C.BILLTAP_SETTING_SECRET != 0,
		Engine:   flags&C.BILLTAP_SETTING_ENGINE != 0,
	}
	switch {
	case flags&C.BILLTAP_SETTING_INT != 0:
		si.Type, si.Min, si.Max = SettingInt, min, max
	case flags&C.BILLTAP_SETTING_BOOL != 0:
		si.Type = SettingBool
	case flags&C.BILLTAP_SETTING_URL != 0:
		si.Type = SettingURL
	}
	if def != nil {
		si.Default, si.HasDefault = C.GoString(def), true
	}
	if description != nil {
		si.Description = C.GoString(description)
	}
	return si
}

func resourcesIn(mask uint64) []Resource {
	var out []Resource
	for r := 1; r < 64; r++ {
		if C.billtap_resource_name(C.billtap_resource(r)) == nil {
			break
		}
		if mask&(1<<uint(r)) != 0 {
			out = append(out, Resource(r))
		}
	}
	return out
}

func unknownProvider(name string, code Code) *Error {
	if code != CodeUnknownProvider {
		return &Error{Code: code}
	}
	return &Error{Code: code, Message: fmt.Sprintf("unknown provider %q (known: %s)", name,
		strings.Join(Providers(), ", "))}
}
