package billtap

// #include <stdlib.h>
// #include <billtap.h>
import "C"

import (
	"fmt"
	"unsafe"
)

// The data model as the loaded library describes it (billtap_resource_name,
// billtap_record_kind_fields, billtap_field_nullable, ...): what a generic
// host, and GenericRecord, need to handle a resource, kind or field that was
// added after this binding was written.

// FieldType says how a field's value is held; values are those of
// billtap_field_type.
type FieldType int

// The field types. A newer library may add more.
const (
	FieldString FieldType = 1 // string
	FieldInt    FieldType = 2 // int64
	FieldBool   FieldType = 3 // bool
	FieldTime   FieldType = 4 // time.Time, UTC, whole seconds
	FieldMoney  FieldType = 5 // Money: minor units of the record's currency
)

// Field describes one field of a record kind.
type Field struct {
	Name     string // the JSON member ("created_at")
	Type     FieldType
	Nullable bool // may be null in a record of this kind
	// Vocabulary is the closed list of words a string field takes, in
	// documentation order; nil for free text. A newer library may add words:
	// treat an unknown one like "other".
	Vocabulary []string

	id C.billtap_field
}

// Resources are the resources the loaded library can list, in its order
// (customers, plans, subscriptions, transactions, invoices, ...). Each can be
// listed with Client.Iterate.
func Resources() []Resource {
	var out []Resource
	for r := Resource(1); C.billtap_resource_name(C.billtap_resource(r)) != nil; r++ {
		out = append(out, r)
	}
	return out
}

// Kind is the kind of the records the resource lists (0 for a resource the
// library does not know).
func (r Resource) Kind() Kind {
	return Kind(C.billtap_resource_kind(C.billtap_resource(r)))
}

// Kinds are the record kinds of the loaded library, nested ones included.
func Kinds() []Kind {
	var out []Kind
	for k := Kind(1); C.billtap_record_kind_name(C.billtap_record_kind(k)) != nil; k++ {
		out = append(out, k)
	}
	return out
}

// KindNamed is the kind called name ("invoice_line"), if the library has one.
func KindNamed(name string) (Kind, bool) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var k C.billtap_record_kind
	if C.billtap_record_kind_from_name(&k, cname) != 0 {
		return 0, false
	}
	return Kind(k), true
}

// String is the kind's name, the JSON "object" member ("customer").
func (k Kind) String() string {
	if p := C.billtap_record_kind_name(C.billtap_record_kind(k)); p != nil {
		return C.GoString(p)
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Fields are the kind's fields in the order of its normalized JSON; nil for
// a kind the library does not know. Nested records are not fields: see
// Nested.
func (k Kind) Fields() []Field {
	n := C.billtap_record_kind_fields(nil, 0, C.billtap_record_kind(k))
	if n <= 0 {
		return nil
	}
	// A Go slice may receive C enum values: it holds no Go pointers.
	ids := make([]C.billtap_field, int(n))
	C.billtap_record_kind_fields(&ids[0], C.size_t(n), C.billtap_record_kind(k))
	fields := make([]Field, 0, len(ids))
	for _, id := range ids {
		fields = append(fields, Field{
			Name:       C.GoString(C.billtap_field_name(id)),
			Type:       FieldType(C.billtap_field_type_of(id)),
			Nullable:   C.billtap_field_nullable(C.billtap_record_kind(k), id) == 1,
			Vocabulary: vocabulary(k, id),
			id:         id,
		})
	}
	return fields
}

func vocabulary(k Kind, id C.billtap_field) []string {
	n := C.billtap_field_vocabulary(nil, 0, C.billtap_record_kind(k), id)
	if n <= 0 {
		return nil
	}
	words := make([]*C.char, int(n)) // static C strings: no Go pointers
	C.billtap_field_vocabulary(&words[0], C.size_t(n), C.billtap_record_kind(k), id)
	out := make([]string, 0, len(words))
	for _, w := range words {
		out = append(out, C.GoString(w))
	}
	return out
}

// Field is the kind's field called name, if it has one.
func (k Kind) Field(name string) (Field, bool) {
	for _, f := range k.Fields() {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Vocabulary is the closed list of words of a string field of the kind
// (KindInvoice.Vocabulary("status"): draft, open, paid, ...); nil for free
// text. An unknown field is an error matching ErrInvalid.
func (k Kind) Vocabulary(field string) ([]string, error) {
	f, ok := k.Field(field)
	if !ok {
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("%s has no field %q", k, field)}
	}
	return f.Vocabulary, nil
}

// Nested is the kind of the records nested in a record of this kind
// (KindSubscription: KindSubscriptionItem) and the JSON member that lists
// them ("items"); 0 and "" when it has none.
func (k Kind) Nested() (Kind, string) {
	var member *C.char
	nested := C.billtap_record_kind_nested(&member, C.billtap_record_kind(k))
	if nested == 0 || member == nil {
		return 0, ""
	}
	return Kind(nested), C.GoString(member)
}
