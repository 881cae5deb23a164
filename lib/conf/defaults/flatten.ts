/**
 * The defaults tree flattened into the merge order (Hydra's `_tree_to_list`): depth first, each
 * config's `_self_` where its list puts it; deleted entries, placeholders and skipped `???` left out.
 * @module
 */
import { DefaultElement } from './element.js';
import type { DefaultsTreeNode } from './tree.js';
import type { ResultDefault } from './types.js';

/** The configs to merge, in order. */
export function flattenTree(tree: DefaultsTreeNode): ResultDefault[] {
  const result: ResultDefault[] = [];
  visit(tree, (holder, element) => {
    if (element.deleted || element.isMissing() || element.name() === null) return;
    if (element.isSelf() && holder !== null) {
      result.push({
        configPath: holder.node.configPath(),
        package: holder.node.finalPackage(),
        parent: holder.parent?.node.configPath() ?? '',
        isSelf: true,
        primary: holder.node.primary,
        overrideKey: null,
      });
      return;
    }
    result.push({
      configPath: element.configPath(),
      package: element.finalPackage(),
      parent: holder?.node.configPath() ?? '',
      isSelf: false,
      primary: element.primary,
      overrideKey: element.kind === 'group' ? element.overrideKey() : null,
    });
  });
  return result;
}

/** Calls `action` on every leaf with the node holding it (null for a primary config without a defaults list). */
function visit(tree: DefaultsTreeNode, action: (holder: DefaultsTreeNode | null, element: DefaultElement) => void): void {
  if (tree.children === null || tree.children.length === 0) {
    action(tree.parent, tree.node);
    return;
  }
  for (const child of tree.children) {
    if (child instanceof DefaultElement) action(tree, child);
    else visit(child, action);
  }
}
