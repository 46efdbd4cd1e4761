export { Engine, type EngineOptions, type RunHandle, type RunSnapshot, type StartOptions } from './engine.js';
export { NodeRegistry } from './registry.js';
export { ResourcePools } from './pools.js';
export { MemoryJournal, NullJournal, type RunJournal } from './journal.js';
export { planWorkflow, type ExecutionPlan, type PlanResult, type PlannedNode } from './plan.js';
export { problemsFromZod, pathToString, type Problem } from './problems.js';
