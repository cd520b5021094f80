// GraphBuilder: GUN's rules for the graph of a put, with no JSON parser in
// sight.
//
// A decoder walks the JSON of a message's "put" and reports what it finds,
// in document order; the builder checks each node the way GUN.js does, in
// GUN.js's order (soul, meta, states, then every field), and collects the
// graph. Errors use GUN's categories and name soul and key:
//
//   "Invalid graph: soul 'a': no node"          a falsy member of put
//   "Invalid graph: soul 'a': no meta"          not an object, or "_" not one
//   "Invalid graph: soul 'a': soul not same"    "_"."#" is not the member name
//   "Invalid graph: soul 'a': no state"         no ">" object in "_"
//   "Invalid graph: soul 'a' key 'k': no state" a field without a state
//   "Invalid graph: soul 'a' key 'k': state is not a finite number"
//   "Invalid graph: soul 'a' key 'k': bad value (array | object | ...)"
//
// Events that can find an error return it (OK otherwise); a message is
// invalid from its first error on, and its graph is never applied, so a
// decoder keeps the first and may go on reporting. Duplicate members keep
// their last value, as JSON.parse does. A field named "" is dropped without
// any check, as GUN.js drops it.
//
//   GraphBuilder put;
//   put.begin_node("a");                 // "a": {
//   put.begin_meta();                    //   "_": {
//   put.meta_soul("a");                  //     "#": "a",
//   put.begin_states();                  //     ">": {
//   put.state("x", 1);                   //       "x": 1 }},
//   put.field("x", Value(2));            //   "x": 2
//   Status s = put.end_node();           // }
//   Graph graph = put.take_graph();
//
// Thread safety: none; one builder per put being decoded.
#ifndef GUNPP_SRC_WIRE_GRAPH_BUILDER_HPP_
#define GUNPP_SRC_WIRE_GRAPH_BUILDER_HPP_

#include <boost/container/small_vector.hpp>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/slot_index.hpp"
#include "gunpp/graph.hpp"
#include "gunpp/status.hpp"
#include "gunpp/value.hpp"

namespace gunpp {

class GraphBuilder {
 public:
  // A builder whose graphs keep their fields in arrays from `fields`.
  explicit GraphBuilder(
      std::pmr::memory_resource* fields = std::pmr::get_default_resource())
      : fields_memory_(fields), graph_(fields), fields_(fields) {}

  // Starts a new put, forgetting the one being built; `nodes` is its member
  // count when the decoder knows it (room for that many nodes is made at
  // once), else 0.
  void reset(std::size_t nodes = 0);

  // A member of "put" whose value is not an object: "no node" when the value
  // is falsy (null, false, 0, ""), else "no meta".
  Status non_node(std::string_view soul, bool truthy);

  // A member of "put" whose value is an object: the node `soul` starts. Its
  // members follow, then end_node(). `members`, when the decoder knows it,
  // is the object's member count: room for all but one of them (the meta)
  // is made at once.
  void begin_node(std::string soul, std::size_t members = 0);

  // The node's "_" is not an object ("no meta").
  Status meta_not_object();
  // The node's "_" is an object; its members follow.
  void begin_meta();
  // "_"."#" when it is a string: the soul the node names itself.
  void meta_soul(std::string soul);
  // "_".">" is not an object ("no state").
  Status states_not_object();
  // "_".">" is an object; its members follow as state() calls. `members`
  // as in begin_node().
  void begin_states(std::size_t members = 0);
  // One member of "_".">". Pass NaN for a value that is not a number: the
  // field it belongs to is then refused at end_node().
  void state(std::string_view key, double state);
  // A state that can never be a number (out of double range): refused at
  // once.
  Status bad_state(std::string_view key);

  // A field whose value is a GUN value.
  void field(std::string key, Value value);
  // A field whose value is not one; `what` says why ("array", "object",
  // "number out of range").
  Status bad_field(std::string_view key, std::string_view what);

  // The node ends: checks it in GUN's order and joins states to fields.
  Status end_node();

  // Whether the put's members named both "#" and "." (GUN's internal
  // single-field form, which GUN.js ignores).
  bool single_field_form() const { return saw_hash_ && saw_dot_; }

  // The graph of the nodes that ended without error; the builder is empty
  // afterwards. Meaningful only when no event returned an error.
  Graph take_graph();

 private:
  void note_member(std::string_view name);
  Status fail_node(std::string_view reason) const;
  Status fail_field(std::string_view key, std::string_view reason) const;
  Status join_states();
  void drop_duplicates();
  void drop_duplicates_small();
  std::string_view state_key(std::size_t i) const;

  std::pmr::memory_resource* fields_memory_;
  Graph graph_;
  bool failed_ = false;  // an error was returned: build no more nodes
  bool saw_hash_ = false;
  bool saw_dot_ = false;

  // The node being built: fields and states arrive in any order and are
  // joined at end_node().
  std::string soul_;
  // Fields are appended as they arrive; a duplicate key is found in batches
  // (drop_duplicates), whose index probes are prefetched together so that
  // their cache misses overlap. The first of a key keeps its place and takes
  // the last one's value; the later ones are left with an empty key (no
  // field has one) and removed at end_node(). A node that ends with no
  // more than one batch of fields is checked by comparing its keys instead
  // (drop_duplicates_small): most nodes are that small.
  FieldVector fields_;
  detail::SlotIndex field_index_;
  std::size_t indexed_ = 0;     // fields_[0, indexed_) are in field_index_
  std::size_t duplicates_ = 0;  // fields left with an empty key
  // In arrival order, duplicates included; indexed only when they do not
  // line up with the fields (GUN writes them in field order). The keys are
  // one text: state i's key ends at state_ends_[i] and starts where the one
  // before ends.
  // Those of a small node (most puts a relay sees) stay inline, with no
  // allocation.
  static constexpr std::size_t kStateKeyBytes = 12;
  static constexpr std::size_t kInlineStates = 8;
  std::string state_text_;
  boost::container::small_vector<std::size_t, kInlineStates> state_ends_;
  // NaN: present but not a number.
  boost::container::small_vector<double, kInlineStates> states_;
  bool has_meta_ = false;
  bool has_state_map_ = false;
  std::optional<std::string> meta_soul_;
};

}  // namespace gunpp

#endif  // GUNPP_SRC_WIRE_GRAPH_BUILDER_HPP_
