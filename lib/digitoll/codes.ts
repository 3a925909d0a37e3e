/**
 * Digitoll code lists (`shared/reference/digitoll-road-v2.md` §11). Shared by the schemas, the simulator's
 * async code checks (A1/A6/A14) and our mapper.
 */

/** §11.1 ImportProcedure. `NATO_FORM_302` is in the road matrix but missing from the code-list page (§14.7). */
export const IMPORT_PROCEDURES = [
  'IMMEDIATE_RELEASE_IMPORT',
  'CUSTOMS_DECLARATION',
  'TRANSIT_IMPORT',
  'TRANSIT_RELEASE',
  'IMMEDIATE_RELEASE_VOEC',
  'COLLECTIVE_RELEASE',
  'WAREHOUSE_RELEASE',
  'DOCUMENTS_NOT_OBLIGED_RELEASE',
  'ATA_CARNET',
  'TIR_CARNET',
  'NATO_FORM_302',
] as const;
export type ImportProcedureCode = (typeof IMPORT_PROCEDURES)[number];

/** §11.2 OutgoingProcedure. */
export const OUTGOING_PROCEDURES = ['TRA', 'EXP', 'TRE'] as const;

/** §11.4 TB_EXPORTTYPE (UGE_EXPORT was dropped Dec 2024). */
export const EXPORT_TYPES = ['AES_EXPORT', 'EUEIR_EXPORT', 'EIDR_EXPORT'] as const;

/** §11.5 IncompleteDocumentationReason. */
export const INCOMPLETE_DOCUMENTATION_REASONS = [
  'INCOMPLETE_CUDE_DOCUMENTATION',
  'INCOMPLETE_EXP_DOCUMENTATION',
  'INCOMPLETE_TRA_DOCUMENTATION',
  'INCOMPLETE_VOEC_DOCUMENTATION',
  'INCOMPLETE_DOCUMENTATION',
  'INCOMPLETE_CUDE_VALIDATION',
  'INCOMPLETE_GONU_DOCUMENTATION',
  'CANNOT_VERIFY_CUDE_DOCUMENTATION',
  'CANNOT_VERIFY_TRA_DOCUMENTATION',
] as const;
export type IncompleteDocumentationReasonCode = (typeof INCOMPLETE_DOCUMENTATION_REASONS)[number];

/** §11.7 CL018 mode of transport at the border. The road API uses `3`. */
export const CL018_MODES_OF_TRANSPORT = ['1', '2', '3', '4', '7', '8', '9'] as const;
/** §4.1: typeOfIdentification allowed overall (CL750 subset 10, 21, 30, 41). Road: `30`. */
export const CL750_TYPES_OF_IDENTIFICATION = ['10', '21', '30', '41'] as const;
/** §11.7 CL754 transport document types. */
export const CL754_TRANSPORT_DOCUMENT_TYPES = [
  'C624',
  'C625',
  'C664',
  'C665',
  'N703',
  'N704',
  'N705',
  'N714',
  'N720',
  'N722',
  'N730',
  'N740',
  'N741',
  'N750',
  'N760',
] as const;
/** §11.7 CL756 roles for additionalFiscalReferences; VOEC uses `FR5`. */
export const CL756_FISCAL_ROLES = ['FR1', 'FR2', 'FR3', 'FR4', 'FR5', 'FR7'] as const;
export const CL707_COMMUNICATION_TYPES = ['EM', 'TE'] as const;
export const CL708_CONTAINER_INDICATORS = [0, 1] as const;
export const CL709_PACKED_STATUS = ['A', 'B'] as const;
export const CL711_SUPPLIER_TYPES = ['1', '2'] as const;
export const CL729_TYPES_OF_PERSON = [1, 2, 3] as const;

/** §11.3 previousDocuments.typeOfReference: CL228 plus the national additional types. */
export const PREVIOUS_DOCUMENT_TYPES = [
  'CUDE',
  'RETR',
  'GONU',
  'C624',
  'C512',
  'C605',
  'C612',
  'C620',
  'C651',
  'C658',
  'N235',
  'N270',
  'N271',
  'N325',
  'N337',
  'N355',
  'N380',
  'N703',
  'N704',
  'N705',
  'N714',
  'N720',
  'N722',
  'N730',
  'N740',
  'N741',
  'N750',
  'N760',
  'N785',
  'N787',
  'N820',
  'N821',
  'N822',
  'N825',
  'N830',
  'N952',
  'N955',
  'NCLE',
  'NMNS',
  'NMRN',
] as const;

/** §11.6 CL141 Norwegian customs offices (the 49 codes listed in the reference). */
export const CL141_CUSTOMS_OFFICES = [
  'NO371001',
  'NO372001',
  'NO373001',
  'NO373002',
  'NO374001',
  'NO379902',
  'NO379903',
  'NO379904',
  'NO325001',
  'NO323001',
  'NO339901',
  'NO339902',
  'NO334001',
  'NO332001',
  'NO331001',
  'NO321002',
  'NO329901',
  'NO329902',
  'NO329903',
  'NO324001',
  'NO364002',
  'NO364001',
  'NO362002',
  'NO361001',
  'NO365003',
  'NO365002',
  'NO365001',
  'NO368001',
  'NO342001',
  'NO345001',
  'NO344001',
  'NO341001',
  'NO331002',
  'NO324002',
  'NO351001',
  'NO351003',
  'NO343001',
  'NO345002',
  'NO344002',
  'NO341002',
  'NO341003',
  'NO341004',
  'NO361002',
  'NO363001',
  'NO321003',
  'NO331003',
  'NO332004',
  'NO333001',
  'NO334002',
] as const;

/** §10 scopes that grant the road v2 submission and query APIs (Norwegian org / foreign eSeal org). */
export const ROAD_V2_SCOPES = ['toll:movement/road/v2', 'toll:eu/movement/road/v2'] as const;
export const ROAD_V2_SCOPE = 'toll:movement/road/v2';

// ---------------------------------------------------------------------------------------------------------
// Air API (movement-air-api v1, `tolletaten/prosedyre-mo-fly-EN.txt`) and routing (§9.2, `vei-fly-EN.txt`)
// ---------------------------------------------------------------------------------------------------------

/**
 * Scopes of movement-air-api and movement-air-query-api: `toll:movement/air` [DOC prosedyre-mo-fly], and
 * `toll:eu/movement/air` for foreign (eSeal) organisations [DOC §10 table].
 */
export const AIR_SCOPES = ['toll:movement/air', 'toll:eu/movement/air'] as const;
export const AIR_SCOPE = 'toll:movement/air';
/** Scopes of the presentation and routing APIs [DOC §10]. */
export const ENTRY_SCOPES = ['toll:movement/entry', 'toll:eu/movement/entry'] as const;
export const ENTRY_SCOPE = 'toll:movement/entry';

/** CL018 `4` Air Transport [DOC mo-kodeverk]. That the air API takes no other mode is [INF]. */
export const MODE_OF_TRANSPORT_AIR = '4';
/** CL750 `41` Registration Number of the Aircraft [DOC mo-kodeverk]. That the air API requires it is [INF]. */
export const TYPE_OF_IDENTIFICATION_AIRCRAFT = '41';
/** CL754 `N740` Air waybill (the house) and `N741` Master air waybill [DOC mo-kodeverk]. */
export const AIR_WAYBILL_TYPE = 'N740';
export const MASTER_AIR_WAYBILL_TYPE = 'N741';

/**
 * The CL141 offices that are airports: the customsOfficeOfFirstEntry of a flight. The twelve whose CL141
 * name says "airport" are [DOC]; NO351001 Gardermoen is OSL [DOC vei-fly-EN example 2]; NO331003 Evenes and
 * NO333001 Værnes carry only the airport's name in CL141 [INF]. That the air API refuses every other office
 * is [INF] (the pages do not say so).
 */
export const CL141_AIRPORT_CUSTOMS_OFFICES = [
  'NO321003', // Tromsø airport
  'NO331003', // Evenes [INF]
  'NO332004', // Bodø airport
  'NO333001', // Værnes [INF]
  'NO334002', // Røros airport
  'NO341002', // Ålesund airport Vigra
  'NO341003', // Molde airport Årø
  'NO341004', // Kristiansund airport Kvernberget
  'NO343001', // Bergen airport Flesland
  'NO344002', // Haugesund airport
  'NO345002', // Stavanger airport Sola
  'NO351001', // Gardermoen
  'NO351003', // Eggemoen airport
  'NO361002', // Kristiansand airport Kjevik
  'NO363001', // Torp Sandefjord airport
] as const;

/**
 * §9.2 `routing` values [DOC]. vei-fly-EN adds that only TO_ENTRY, TO_CONTROL and ENTRY_DENIED are active
 * today: ENTRY_PENDING belongs to document control, which is announced but not implemented [DOC].
 */
export const ROUTING_CODES = ['TO_ENTRY', 'TO_CONTROL', 'ENTRY_PENDING', 'ENTRY_DENIED'] as const;
export type RoutingCode = (typeof ROUTING_CODES)[number];
/** §9.2 `routingControlLocation`: at the border crossing, or after entry (e.g. the company's terminal) [DOC]. */
export const ROUTING_CONTROL_LOCATIONS = ['ON_ENTRY', 'AFTER_ENTRY'] as const;
export type RoutingControlLocationCode = (typeof ROUTING_CONTROL_LOCATIONS)[number];
