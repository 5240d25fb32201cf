import { Init1795889521428 } from './1795889521428-Init';
import { DropUnusedEventLogIndex1795903651262 } from './1795903651262-DropUnusedEventLogIndex';
import { EventLogJsonAndHotUpdates1795910297814 } from './1795910297814-EventLogJsonAndHotUpdates';
import { DatedInternshipFacts1795930000000 } from './1795930000000-DatedInternshipFacts';
import { RecountDestinationCorrections1796542792623 } from './1796542792623-RecountDestinationCorrections';
import { EventLogReceivedIndex1796560000000 } from './1796560000000-EventLogReceivedIndex';
import { BiViews1796600000000 } from './1796600000000-BiViews';
import { RebuildRun1796700000000 } from './1796700000000-RebuildRun';
import { EventLogSubjectIndex1796710000000 } from './1796710000000-EventLogSubjectIndex';

/** In order of application. */
export const MIGRATIONS = [
  Init1795889521428,
  DropUnusedEventLogIndex1795903651262,
  EventLogJsonAndHotUpdates1795910297814,
  DatedInternshipFacts1795930000000,
  RecountDestinationCorrections1796542792623,
  EventLogReceivedIndex1796560000000,
  BiViews1796600000000,
  RebuildRun1796700000000,
  EventLogSubjectIndex1796710000000,
];
