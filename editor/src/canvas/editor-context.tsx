import { createContext, useContext } from 'react';
import type { NodeTypeDescription, NodeStatus } from '@medflow/sdk';
import type { Problem } from '../api/client';
import type { PortsOf } from './connection-rules';

/** What a node on the canvas shows while a run is on screen. */
export interface NodeRunView {
  status: NodeStatus;
  fraction?: number | null;
  note?: string;
  durationMs?: number;
}

export interface EditorContextValue {
  catalogue: NodeTypeDescription[];
  portsOf: PortsOf;
  problemsByNode: Map<string, Problem[]>;
  runNodes: Map<string, NodeRunView>;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditorContext(): EditorContextValue {
  const value = useContext(EditorContext);
  if (!value) throw new Error('useEditorContext outside EditorContext');
  return value;
}

export function catalogueEntry(catalogue: NodeTypeDescription[], type: string, version: number): NodeTypeDescription | undefined {
  return catalogue.find((c) => c.type === type && c.version === version);
}
