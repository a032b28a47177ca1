// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title MedVault registry: checkpoint anchors of patient ledgers and the grant registry.
/// @notice Patients sign (EIP-712) and anyone relays, so a patient needs no ETH.
/// A ledger's anchors live under (ledgerId, owner address): nobody can squat a
/// ledger id, and a verifier looks up the owner it knows from the ledger's genesis.
/// Only the latest anchor is stored — the least state the monotonic check
/// needs; every anchor is in an `Anchored` event, indexed by ledger and size.
/// Replay is impossible: the EIP-712 domain binds chain and contract, each
/// call has its own type, sizes only grow, a grant id is used once and a
/// revoked grant stays revoked.
contract MedVaultRegistry is EIP712 {
    bytes32 private constant ANCHOR_TYPEHASH =
        keccak256("Anchor(bytes32 ledgerId,uint64 size,bytes32 root)");
    bytes32 private constant GRANT_TYPEHASH = keccak256(
        "RegisterGrant(bytes32 grantId,bytes32 ledgerId,address grantee,bytes32 scopeHash,uint64 expiresAt)"
    );
    bytes32 private constant REVOKE_TYPEHASH = keccak256("RevokeGrant(bytes32 grantId)");

    struct Anchor {
        bytes32 root;
        uint64 size;
        uint64 blockNumber;
    }

    struct Grant {
        address owner;
        uint64 expiresAt;
        bool revoked;
        bytes32 commitment; // keccak256(abi.encode(ledgerId, grantee, scopeHash))
    }

    mapping(bytes32 ledgerKey => Anchor) private _anchors;
    mapping(bytes32 grantId => Grant) private _grants;

    event Anchored(bytes32 indexed ledgerId, address indexed owner, uint64 indexed size, bytes32 root);
    event GrantRegistered(
        bytes32 indexed grantId,
        bytes32 indexed ledgerId,
        address indexed owner,
        address grantee,
        bytes32 scopeHash,
        uint64 expiresAt
    );
    event GrantRevoked(bytes32 indexed grantId, address indexed owner);

    error SizeNotIncreasing(uint64 latest, uint64 proposed);
    error EmptyCheckpoint();
    error GrantExists(bytes32 grantId);
    error UnknownGrant(bytes32 grantId);
    error AlreadyRevoked(bytes32 grantId);
    error NotGrantOwner(bytes32 grantId, address signer);
    error AlreadyExpired(uint64 expiresAt);

    constructor() EIP712("MedVaultRegistry", "1") {}

    /// @notice Anchors the owner's checkpoint (size, root) of a ledger; sizes strictly increase.
    function anchor(bytes32 ledgerId, uint64 size, bytes32 root, bytes calldata ownerSig) external {
        if (size == 0) revert EmptyCheckpoint();
        address owner = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(ANCHOR_TYPEHASH, ledgerId, size, root))), ownerSig
        );
        bytes32 key = keccak256(abi.encode(ledgerId, owner));
        Anchor storage latest = _anchors[key];
        if (size <= latest.size) revert SizeNotIncreasing(latest.size, size);
        latest.root = root;
        latest.size = size;
        latest.blockNumber = uint64(block.number);
        emit Anchored(ledgerId, owner, size, root);
    }

    /// @notice The latest anchor of `ledgerId` by `owner` (size 0 when none).
    function latestAnchor(bytes32 ledgerId, address owner)
        external
        view
        returns (uint64 size, bytes32 root, uint64 blockNumber)
    {
        Anchor storage a = _anchors[keccak256(abi.encode(ledgerId, owner))];
        return (a.size, a.root, a.blockNumber);
    }

    /// @notice Registers a grant the ledger's owner signed.
    function registerGrant(
        bytes32 grantId,
        bytes32 ledgerId,
        address grantee,
        bytes32 scopeHash,
        uint64 expiresAt,
        bytes calldata ownerSig
    ) external {
        if (_grants[grantId].owner != address(0)) revert GrantExists(grantId);
        if (expiresAt <= block.timestamp) revert AlreadyExpired(expiresAt);
        address owner = ECDSA.recover(
            _hashTypedDataV4(keccak256(abi.encode(GRANT_TYPEHASH, grantId, ledgerId, grantee, scopeHash, expiresAt))),
            ownerSig
        );
        _grants[grantId] = Grant({
            owner: owner,
            expiresAt: expiresAt,
            revoked: false,
            commitment: keccak256(abi.encode(ledgerId, grantee, scopeHash))
        });
        emit GrantRegistered(grantId, ledgerId, owner, grantee, scopeHash, expiresAt);
    }

    /// @notice Revokes a grant; only its owner's signature does.
    function revokeGrant(bytes32 grantId, bytes calldata ownerSig) external {
        Grant storage g = _grants[grantId];
        if (g.owner == address(0)) revert UnknownGrant(grantId);
        if (g.revoked) revert AlreadyRevoked(grantId);
        address signer = ECDSA.recover(_hashTypedDataV4(keccak256(abi.encode(REVOKE_TYPEHASH, grantId))), ownerSig);
        if (signer != g.owner) revert NotGrantOwner(grantId, signer);
        g.revoked = true;
        emit GrantRevoked(grantId, signer);
    }

    /// @notice Whether a grant exists, is not revoked and has not expired (by block time).
    function isGrantActive(bytes32 grantId) external view returns (bool) {
        Grant storage g = _grants[grantId];
        return g.owner != address(0) && !g.revoked && block.timestamp < g.expiresAt;
    }

    /// @notice A grant's stored state.
    function getGrant(bytes32 grantId)
        external
        view
        returns (address owner, uint64 expiresAt, bool revoked, bytes32 commitment)
    {
        Grant storage g = _grants[grantId];
        return (g.owner, g.expiresAt, g.revoked, g.commitment);
    }
}
