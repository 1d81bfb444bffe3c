"""Health Care Claim Status Request (005010X212).

Generated from pyx12 map 276.4010.X093.A1.xml (BSD licence, see NOTICE) by a one-off
converter; do not edit by hand. Segment, loop and element structure only; code lists
hold code values, never descriptions.

pyx12 ships no 5010 map for this guide: the loop structure is derived from the
4010 map (276.4010.X093.A1.xml) whose loops (2000A-2000E, 2100x, ...) the 5010 guide keeps;
element code lists are dropped except loop-identifying qualifiers, so validation
of this guide is structural.
"""

from rcmdesk.x12.schemas.model import C, E, Guide, L, S

GUIDE = Guide(
    '276',
    '005010X212',
    'HR',
    'Health Care Claim Status Request',
    L('ST_LOOP', 'Transaction Set Header', 'R', 0, (
        S('ST', 'Transaction Set Header', 'R', 1, (
            E('143', 'R', 'ID', 3, 3, ('276',)),
            E('329', 'R', 'AN', 4, 9),
            E('1705', 'R', 'AN', 1, 35),
        ), (1, 0)),
        S('BHT', 'Beginning of Hierarchical Transaction', 'R', 1, (
            E('1005', 'R', 'ID', 4, 4, ('0010',)),
            E('353', 'R', 'ID', 2, 2),
            E('127', 'N', 'AN', 1, 50),
            E('373', 'R', 'DT', 8, 8),
            E('337', 'N', 'TM', 4, 8),
            E('640', 'N', 'ID', 2, 2),
        ), (1, 0)),
        L('2000A', 'Information Source Level', 'R', 0, (
            S('HL', 'Information Source Level', 'R', 1, (
                E('628', 'R', 'AN', 1, 12),
                E('734', 'N', 'AN', 1, 12),
                E('735', 'R', 'ID', 1, 2, ('20',)),
                E('736', 'R', 'ID', 1, 1),
            ), (3, 0)),
            L('2100A', 'Payer Name', 'R', 0, (
                S('NM1', 'Payer Name', 'R', 1, (
                    E('98', 'R', 'ID', 2, 3, ('PR',)),
                    E('1065', 'R', 'ID', 1, 1),
                    E('1035', 'R', 'AN', 1, 60),
                    E('1036', 'N', 'AN', 1, 35),
                    E('1037', 'N', 'AN', 1, 25),
                    E('1038', 'N', 'AN', 1, 10),
                    E('1039', 'N', 'AN', 1, 10),
                    E('66', 'R', 'ID', 1, 2),
                    E('67', 'R', 'AN', 2, 80),
                    E('706', 'N', 'ID', 2, 2),
                    E('98', 'N', 'ID', 2, 3),
                ), (1, 0)),
                S('PER', 'Payer Contact Information', 'S', 1, (
                    E('366', 'R', 'ID', 2, 2, ('IC',)),
                    E('93', 'S', 'AN', 1, 60),
                    E('365', 'R', 'ID', 2, 2),
                    E('364', 'R', 'AN', 1, 256),
                    E('365', 'S', 'ID', 2, 2),
                    E('364', 'S', 'AN', 1, 256),
                    E('365', 'S', 'ID', 2, 2),
                    E('364', 'S', 'AN', 1, 256),
                    E('443', 'N', 'AN', 1, 20),
                ), (1, 0)),
            )),
            L('2000B', 'Information Receiver Level', 'R', 0, (
                S('HL', 'Information Receiver Level', 'R', 1, (
                    E('628', 'R', 'AN', 1, 12),
                    E('734', 'R', 'AN', 1, 12),
                    E('735', 'R', 'ID', 1, 2, ('21',)),
                    E('736', 'R', 'ID', 1, 1),
                ), (3, 0)),
                L('2100B', 'Information Receiver Name', 'R', 0, (
                    S('NM1', 'Information Receiver Name', 'R', 1, (
                        E('98', 'R', 'ID', 2, 3, ('41',)),
                        E('1065', 'R', 'ID', 1, 1),
                        E('1035', 'R', 'AN', 1, 60),
                        E('1036', 'S', 'AN', 1, 35),
                        E('1037', 'S', 'AN', 1, 25),
                        E('1038', 'N', 'AN', 1, 10),
                        E('1039', 'S', 'AN', 1, 10),
                        E('66', 'R', 'ID', 1, 2),
                        E('67', 'R', 'AN', 2, 80),
                        E('706', 'N', 'ID', 2, 2),
                        E('98', 'N', 'ID', 2, 3),
                    ), (1, 0)),
                )),
                L('2000C', 'Service Provider Level', 'R', 0, (
                    S('HL', 'Service Provider Level', 'R', 1, (
                        E('628', 'R', 'AN', 1, 12),
                        E('734', 'R', 'AN', 1, 12),
                        E('735', 'R', 'ID', 1, 2, ('19',)),
                        E('736', 'R', 'ID', 1, 1),
                    ), (3, 0)),
                    L('2100C', 'Provider Name', 'R', 0, (
                        S('NM1', 'Provider Name', 'R', 1, (
                            E('98', 'R', 'ID', 2, 3, ('1P',)),
                            E('1065', 'R', 'ID', 1, 1),
                            E('1035', 'R', 'AN', 1, 60),
                            E('1036', 'S', 'AN', 1, 35),
                            E('1037', 'S', 'AN', 1, 25),
                            E('1038', 'S', 'AN', 1, 10),
                            E('1039', 'S', 'AN', 1, 10),
                            E('66', 'R', 'ID', 1, 2),
                            E('67', 'R', 'AN', 2, 80),
                            E('706', 'N', 'ID', 2, 2),
                            E('98', 'N', 'ID', 2, 3),
                        ), (1, 0)),
                    )),
                    L('2000D', 'Subscriber Level', 'R', 0, (
                        S('HL', 'Subscriber Level', 'R', 1, (
                            E('628', 'R', 'AN', 1, 12),
                            E('734', 'R', 'AN', 1, 12),
                            E('735', 'R', 'ID', 1, 2, ('22',)),
                            E('736', 'R', 'ID', 1, 1),
                        ), (3, 0)),
                        S('DMG', 'Subscriber Demographic Information', 'S', 1, (
                            E('1250', 'R', 'ID', 2, 3, ('D8',)),
                            E('1251', 'R', 'AN', 1, 35),
                            E('1068', 'R', 'ID', 1, 1),
                            E('1067', 'N', 'ID', 1, 1),
                            E('1109', 'N', 'ID', 1, 1),
                            E('1066', 'N', 'ID', 1, 2),
                            E('26', 'N', 'ID', 2, 3),
                            E('659', 'N', 'ID', 1, 2),
                            E('380', 'N', 'R', 1, 15),
                        ), (1, 0)),
                        L('2100D', 'Subscriber Name', 'R', 1, (
                            S('NM1', 'Subscriber Name', 'R', 1, (
                                E('98', 'R', 'ID', 2, 3, ('IL', 'QC')),
                                E('1065', 'R', 'ID', 1, 1),
                                E('1035', 'R', 'AN', 1, 60),
                                E('1036', 'S', 'AN', 1, 35),
                                E('1037', 'S', 'AN', 1, 25),
                                E('1038', 'S', 'AN', 1, 10),
                                E('1039', 'S', 'AN', 1, 10),
                                E('66', 'R', 'ID', 1, 2),
                                E('67', 'R', 'AN', 2, 80),
                                E('706', 'N', 'ID', 2, 2),
                                E('98', 'N', 'ID', 2, 3),
                            ), (1, 0)),
                        )),
                        L('2200D', 'Claim Submitter Trace Number', 'S', 0, (
                            S('TRN', 'Claim Submitter Trace Number', 'R', 1, (
                                E('481', 'R', 'ID', 1, 2, ('1',)),
                                E('127', 'R', 'AN', 1, 50),
                                E('509', 'N', 'AN', 10, 10),
                                E('127', 'N', 'AN', 1, 50),
                            ), (1, 0)),
                            S('REF', 'Payer Claim Identification Number', 'S', 1, (
                                E('128', 'R', 'ID', 2, 3, ('1K',)),
                                E('127', 'R', 'AN', 1, 50),
                                E('352', 'N', 'AN', 1, 80),
                                C('C040', 'N', ()),
                            ), (1, 0)),
                            S('REF', 'Institutional Bill Type Identification', 'S', 1, (
                                E('128', 'R', 'ID', 2, 3, ('BLT',)),
                                E('127', 'R', 'AN', 1, 50),
                                E('352', 'N', 'AN', 1, 80),
                                C('C040', 'N', ()),
                            ), (1, 0)),
                            S('REF', 'Medical Record Identification', 'S', 1, (
                                E('128', 'R', 'ID', 2, 3, ('EA',)),
                                E('127', 'R', 'AN', 1, 50),
                                E('352', 'N', 'AN', 1, 80),
                                C('C040', 'N', ()),
                            ), (1, 0)),
                            S('REF', 'Group Number', 'S', 1, (
                                E('128', 'R', 'ID', 2, 3, ('LU',)),
                                E('127', 'R', 'AN', 1, 50),
                                E('352', 'N', 'AN', 1, 80),
                                C('C040', 'N', ()),
                            ), (1, 0)),
                            S('AMT', 'Claim Submitted Charges', 'S', 1, (
                                E('522', 'R', 'ID', 1, 3, ('T3',)),
                                E('782', 'R', 'R', 1, 18),
                                E('478', 'N', 'ID', 1, 1),
                            ), (1, 0)),
                            S('DTP', 'Claim Service Date', 'S', 1, (
                                E('374', 'R', 'ID', 3, 3, ('232',)),
                                E('1250', 'R', 'ID', 2, 3),
                                E('1251', 'R', 'AN', 1, 35),
                            ), (1, 0)),
                            L('2210D', 'Service Line Information', 'S', 0, (
                                S('SVC', 'Service Line Information', 'R', 1, (
                                    C('C003', 'R', (E('235', 'R', 'ID', 2, 2, ('AD', 'CI', 'HC', 'ID', 'IV', 'N1', 'N2', 'N3', 'N4', 'ND', 'NH', 'NU', 'RB')), E('234', 'R', 'AN', 1, 48), E('1339', 'S', 'AN', 2, 2), E('1339', 'S', 'AN', 2, 2), E('1339', 'S', 'AN', 2, 2), E('1339', 'S', 'AN', 2, 2), E('352', 'N', 'AN', 1, 80))),
                                    E('782', 'R', 'R', 1, 18),
                                    E('782', 'N', 'R', 1, 18),
                                    E('234', 'S', 'AN', 1, 48),
                                    E('380', 'N', 'R', 1, 15),
                                    C('C003', 'N', ()),
                                    E('380', 'S', 'R', 1, 15),
                                ), (1, 1)),
                                S('REF', 'Service Line Item Identification', 'S', 1, (
                                    E('128', 'R', 'ID', 2, 3, ('FJ',)),
                                    E('127', 'R', 'AN', 1, 50),
                                    E('352', 'N', 'AN', 1, 80),
                                    C('C040', 'N', ()),
                                ), (1, 0)),
                                S('DTP', 'Service Line Date', 'R', 1, (
                                    E('374', 'R', 'ID', 3, 3, ('472',)),
                                    E('1250', 'R', 'ID', 2, 3),
                                    E('1251', 'R', 'AN', 1, 35),
                                ), (1, 0)),
                            )),
                        )),
                        L('2000E', 'Dependent Level', 'S', 0, (
                            S('HL', 'Dependent Level', 'R', 1, (
                                E('628', 'R', 'AN', 1, 12),
                                E('734', 'R', 'AN', 1, 12),
                                E('735', 'R', 'ID', 1, 2, ('23',)),
                                E('736', 'N', 'ID', 1, 1),
                            ), (3, 0)),
                            S('DMG', 'Dependent Demographic Information', 'R', 1, (
                                E('1250', 'R', 'ID', 2, 3, ('D8',)),
                                E('1251', 'R', 'AN', 1, 35),
                                E('1068', 'R', 'ID', 1, 1),
                                E('1067', 'N', 'ID', 1, 1),
                                E('1109', 'N', 'ID', 1, 1),
                                E('1066', 'N', 'ID', 1, 2),
                                E('26', 'N', 'ID', 2, 3),
                                E('659', 'N', 'ID', 1, 2),
                                E('380', 'N', 'R', 1, 15),
                            ), (1, 0)),
                            L('2100E', 'Dependent Name', 'R', 1, (
                                S('NM1', 'Dependent Name', 'R', 1, (
                                    E('98', 'R', 'ID', 2, 3, ('QC',)),
                                    E('1065', 'R', 'ID', 1, 1),
                                    E('1035', 'R', 'AN', 1, 60),
                                    E('1036', 'S', 'AN', 1, 35),
                                    E('1037', 'S', 'AN', 1, 25),
                                    E('1038', 'S', 'AN', 1, 10),
                                    E('1039', 'S', 'AN', 1, 10),
                                    E('66', 'S', 'ID', 1, 2),
                                    E('67', 'S', 'AN', 2, 80),
                                    E('706', 'N', 'ID', 2, 2),
                                    E('98', 'N', 'ID', 2, 3),
                                ), (1, 0)),
                            )),
                            L('2200E', 'Claim Submitter Trace Number', 'R', 0, (
                                S('TRN', 'Claim Submitter Trace Number', 'R', 1, (
                                    E('481', 'R', 'ID', 1, 2, ('1',)),
                                    E('127', 'R', 'AN', 1, 50),
                                    E('509', 'N', 'AN', 10, 10),
                                    E('127', 'N', 'AN', 1, 50),
                                ), (1, 0)),
                                S('REF', 'Payer Claim Identification Number', 'S', 1, (
                                    E('128', 'R', 'ID', 2, 3, ('1K',)),
                                    E('127', 'R', 'AN', 1, 50),
                                    E('352', 'N', 'AN', 1, 80),
                                    C('C040', 'N', ()),
                                ), (1, 0)),
                                S('REF', 'Institutional Bill Type Identification', 'S', 1, (
                                    E('128', 'R', 'ID', 2, 3, ('BLT',)),
                                    E('127', 'R', 'AN', 1, 50),
                                    E('352', 'N', 'AN', 1, 80),
                                    C('C040', 'N', ()),
                                ), (1, 0)),
                                S('REF', 'Medical Record Identification', 'S', 1, (
                                    E('128', 'R', 'ID', 2, 3, ('EA',)),
                                    E('127', 'R', 'AN', 1, 50),
                                    E('352', 'N', 'AN', 1, 80),
                                    C('C040', 'N', ()),
                                ), (1, 0)),
                                S('AMT', 'Claim Submitted Charges', 'S', 1, (
                                    E('522', 'R', 'ID', 1, 3, ('T3',)),
                                    E('782', 'R', 'R', 1, 18),
                                    E('478', 'N', 'ID', 1, 1),
                                ), (1, 0)),
                                S('DTP', 'Claim Service Date', 'S', 1, (
                                    E('374', 'R', 'ID', 3, 3, ('232',)),
                                    E('1250', 'R', 'ID', 2, 3),
                                    E('1251', 'R', 'AN', 1, 35),
                                ), (1, 0)),
                                L('2210E', 'Service Line Information', 'S', 0, (
                                    S('SVC', 'Service Line Information', 'R', 1, (
                                        C('C003', 'R', (E('235', 'R', 'ID', 2, 2, ('AD', 'CI', 'HC', 'ID', 'IV', 'N1', 'N2', 'N3', 'N4', 'ND', 'NH', 'NU', 'RB')), E('234', 'R', 'AN', 1, 48), E('1339', 'S', 'AN', 2, 2), E('1339', 'S', 'AN', 2, 2), E('1339', 'S', 'AN', 2, 2), E('1339', 'S', 'AN', 2, 2), E('352', 'N', 'AN', 1, 80))),
                                        E('782', 'R', 'R', 1, 18),
                                        E('782', 'N', 'R', 1, 18),
                                        E('234', 'S', 'AN', 1, 48),
                                        E('380', 'N', 'R', 1, 15),
                                        C('C003', 'N', ()),
                                        E('380', 'S', 'R', 1, 15),
                                    ), (1, 1)),
                                    S('REF', 'Service Line Item Identification', 'S', 1, (
                                        E('128', 'R', 'ID', 2, 3, ('FJ',)),
                                        E('127', 'R', 'AN', 1, 50),
                                        E('352', 'N', 'AN', 1, 80),
                                        C('C040', 'N', ()),
                                    ), (1, 0)),
                                    S('DTP', 'Service Line Date', 'S', 1, (
                                        E('374', 'R', 'ID', 3, 3, ('472',)),
                                        E('1250', 'R', 'ID', 2, 3),
                                        E('1251', 'R', 'AN', 1, 35),
                                    ), (1, 0)),
                                )),
                            )),
                        )),
                    )),
                )),
            )),
        )),
        S('SE', 'Transaction Set Trailer', 'R', 1, (
            E('96', 'R', 'N0', 1, 10),
            E('329', 'R', 'AN', 4, 9),
        )),
    )),
    derived_from='276.4010.X093.A1.xml',
)
