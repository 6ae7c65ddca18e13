package dev.netwright.processor.writing;

import com.palantir.javapoet.NameAllocator;
import dev.netwright.processor.graph.NetworkSpec;
import dev.netwright.processor.graph.ResolvedNetwork;
import dev.netwright.processor.graph.ResolvedNode;
import dev.netwright.processor.writing.BufferPlan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the forward steps that may run side by side: the branches between a fork (a node several
 * nodes read) and the merge that joins them (concat, add), when each branch is a chain of nodes
 * nothing else reads and the branches' steps are exactly the steps written between the two.
 * Branches read the fork's output, which no layer overwrites in place (BufferPlan keeps a shared
 * input out of place), and write only their own arrays, so any order gives the same result.
 */
final class Sections {
  /** One branch: its steps in order, and the method that runs them. */
  record Branch(String method, List<Step> steps, String title) {
    /** Native calls of its forward pass. */
    long calls() {
      return steps.stream().filter(s -> s.kernel != null).count();
    }

    /** Multiply-adds per example. */
    long multiplyAdds() {
      return steps.stream().mapToLong(s -> s.layer.multiplyAdds()).sum();
    }
  }

  /**
   * Branches that together are steps [{@code from}, {@code to}) of the plan, followed by the
   * merge's steps; run through the {@code Branches} field {@code field}.
   */
  record Section(String field, ResolvedNode merge, int from, int to, List<Branch> branches) {}

  private Sections() {}

  /** The sections of {@code plan}, in step order; names are taken from {@code names}. */
  static List<Section> find(ResolvedNetwork network, BufferPlan plan, NameAllocator names) {
    Map<String, ResolvedNode> byName = new HashMap<>();
    Map<String, Integer> consumers = new HashMap<>();
    for (ResolvedNode node : network.nodes()) {
      byName.put(node.name(), node);
      for (String in : node.inputs()) {
        consumers.merge(in, 1, Integer::sum);
      }
    }
    List<Section> sections = new ArrayList<>();
    for (ResolvedNode merge : network.nodes()) {
      if (merge.inputs().size() < 2) {
        continue;
      }
      List<List<String>> chains = chains(merge, byName, consumers);
      if (chains == null || chains.stream().filter(c -> !c.isEmpty()).count() < 2) {
        continue;
      }
      Section s = section(merge, chains, plan, names);
      if (s != null) {
        sections.add(s);
      }
    }
    return sections;
  }

  // Per input of the merge, the chain of nodes from the common fork (exclusive) to the merge; null
  // when the inputs do not come from one fork through chains only they read.
  private static List<List<String>> chains(
      ResolvedNode merge, Map<String, ResolvedNode> byName, Map<String, Integer> consumers) {
    String fork = null;
    List<List<String>> chains = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String input : merge.inputs()) {
      LinkedList<String> chain = new LinkedList<>();
      String at = input;
      while (!at.equals(NetworkSpec.INPUT)
          && consumers.get(at) == 1
          && byName.get(at).inputs().size() == 1) {
        chain.addFirst(at);
        at = byName.get(at).inputs().get(0);
      }
      if (fork == null) {
        fork = at;
      } else if (!fork.equals(at)) {
        return null;
      }
      for (String node : chain) {
        if (!seen.add(node)) {
          return null;
        }
      }
      chains.add(chain);
    }
    return chains;
  }

  private static Section section(
      ResolvedNode merge, List<List<String>> chains, BufferPlan plan, NameAllocator names) {
    int mergeStart = -1;
    for (int i = 0; i < plan.steps.size(); i++) {
      if (plan.steps.get(i).node == merge) {
        mergeStart = i;
        break;
      }
    }
    Set<String> inBranches = new HashSet<>();
    chains.forEach(inBranches::addAll);
    int from = mergeStart;
    while (from > 0 && inBranches.contains(plan.steps.get(from - 1).node.name())) {
      from--;
    }
    long covered =
        plan.steps.subList(from, mergeStart).stream().map(s -> s.node.name()).distinct().count();
    if (covered != inBranches.size()) {
      return null; // some branch node is not written just before the merge
    }
    String owner = merge.name().replace('.', '_');
    List<Branch> branches = new ArrayList<>();
    for (List<String> chain : chains) {
      if (chain.isEmpty()) {
        continue;
      }
      List<Step> steps = new ArrayList<>();
      for (String node : chain) { // the chain's order, which is a valid order for its steps
        for (Step s : plan.steps.subList(from, mergeStart)) {
          if (s.node.name().equals(node)) {
            steps.add(s);
          }
        }
      }
      if (steps.stream().noneMatch(s -> s.kernel != null)) {
        return null; // a branch of views only (flatten) has nothing to run: stay in order
      }
      String title = String.join(" -> ", chain);
      String last = chain.get(chain.size() - 1);
      String suffix = last.substring(last.lastIndexOf('.') + 1);
      String method = "forward" + BufferPlan.capitalize(owner) + BufferPlan.capitalize(suffix);
      branches.add(new Branch(names.newName(method), steps, title));
    }
    if (branches.size() < 2) {
      return null;
    }
    return new Section(names.newName(owner + "Branches"), merge, from, mergeStart, branches);
  }
}
