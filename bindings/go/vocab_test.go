package billtap_test

import (
	"reflect"
	"testing"

	billtap "github.com/billtap/billtap/bindings/go"
)

// The typed constants are the loaded library's vocabularies, word for word
// and in order (billtap_field_vocabulary), and every vocabulary the library
// has for a field of a typed record has its constants.
func TestVocabularyConstantsAreTheLibrarys(t *testing.T) {
	constants := map[[2]string][]string{
		{"subscription", "status"}: words(billtap.SubscriptionTrialing, billtap.SubscriptionActive,
			billtap.SubscriptionPastDue, billtap.SubscriptionPaused, billtap.SubscriptionCanceled,
			billtap.SubscriptionPending, billtap.SubscriptionOther),
		{"subscription", "pause_behavior"}: words(billtap.PauseKeepAsDraft,
			billtap.PauseMarkUncollectible, billtap.PauseVoid, billtap.PauseOther),
		{"transaction", "kind"}: words(billtap.TransactionPayment, billtap.TransactionRefund,
			billtap.TransactionChargeback, billtap.TransactionReversal, billtap.TransactionFee,
			billtap.TransactionPayout, billtap.TransactionTransfer, billtap.TransactionConversion,
			billtap.TransactionAdjustment, billtap.TransactionOther),
		{"transaction", "result"}: words(billtap.ResultSucceeded, billtap.ResultFailed,
			billtap.ResultPending, billtap.ResultAuthorized, billtap.ResultOther),
		{"invoice", "status"}: words(billtap.InvoiceDraft, billtap.InvoiceOpen, billtap.InvoicePaid,
			billtap.InvoiceVoid, billtap.InvoiceUncollectible, billtap.InvoiceOther),
		{"invoice_line", "kind"}: words(billtap.LineSubscription, billtap.LineProration,
			billtap.LineOneOff, billtap.LineDiscount, billtap.LineTax, billtap.LineOther),
		{"plan", "interval_unit"}: words(billtap.IntervalDay, billtap.IntervalWeek,
			billtap.IntervalMonth, billtap.IntervalYear),
		{"plan", "usage_type"}: words(billtap.UsageLicensed, billtap.UsageMetered, billtap.UsageOther),
		{"subscription_item", "usage_type"}: words(billtap.UsageLicensed, billtap.UsageMetered,
			billtap.UsageOther),
		{"plan", "tiers_mode"}: words(billtap.TiersGraduated, billtap.TiersVolume, billtap.TiersOther),
	}
	library := map[[2]string][]string{}
	for k := range typed {
		for _, f := range k.Fields() {
			if len(f.Vocabulary) > 0 {
				library[[2]string{k.String(), f.Name}] = f.Vocabulary
			}
		}
	}
	if len(library) == 0 {
		t.Fatal("the library reports no vocabulary at all")
	}
	if !reflect.DeepEqual(constants, library) {
		t.Errorf("constants %v\nlibrary   %v", constants, library)
	}
	if !reflect.DeepEqual(billtap.Vocabularies, library) {
		t.Errorf("Known's lists %v\nlibrary      %v", billtap.Vocabularies, library)
	}
}

func TestKnownWords(t *testing.T) {
	if !billtap.InvoicePaid.Known() || billtap.InvoiceStatus("refunded").Known() ||
		!billtap.LineOneOff.Known() || billtap.InvoiceLineKind("paid").Known() ||
		!billtap.SubscriptionPastDue.Known() || billtap.SubscriptionStatus("").Known() ||
		!billtap.ResultPending.Known() || !billtap.TransactionRefund.Known() ||
		!billtap.IntervalWeek.Known() || billtap.IntervalUnit("fortnight").Known() ||
		!billtap.TransactionChargeback.Known() || billtap.TransactionKind("paid").Known() ||
		!billtap.ResultAuthorized.Known() || billtap.TransactionResult("refund").Known() ||
		!billtap.UsageMetered.Known() || billtap.UsageType("volume").Known() ||
		!billtap.TiersVolume.Known() || billtap.TiersMode("metered").Known() ||
		!billtap.PauseVoid.Known() || billtap.PauseBehavior("paused").Known() {
		t.Error("Known disagrees with the constants")
	}
}

func words[T ~string](ws ...T) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = string(w)
	}
	return out
}
