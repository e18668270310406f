import {
  OperationNodeTransformer,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';

const NUL = '\u0000';
const strip = (value: unknown): unknown => (typeof value === 'string' && value.includes(NUL) ? value.replaceAll(NUL, '') : value);

class StripNulTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = strip(node.value);
    return value === node.value ? super.transformValue(node) : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return node.values.some((value) => strip(value) !== value) ? { ...node, values: node.values.map(strip) } : super.transformPrimitiveValueList(node);
  }
}

/**
 * Drops NUL characters from every string bound to a query. PostgreSQL cannot store U+0000 in
 * text (it fails the whole statement: a 500 for `?q=%00`, a lost Slack message); SQLite can, so
 * both engines drop it and keep the same data. No one means a NUL in an incident's words.
 */
export class StripNulPlugin implements KyselyPlugin {
  readonly #transformer = new StripNulTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
